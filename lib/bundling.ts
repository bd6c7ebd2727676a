import { fileURLToPath } from 'node:url';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Where the handlers live, for NodejsFunction entries. */
export function handlerEntry(name: string): string {
  return fileURLToPath(new URL(`../lambdas/${name}/handler.ts`, import.meta.url));
}

/** The project root, for NodejsFunction's `projectRoot` and lock file. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * How every handler is bundled: one ESM file that contains the AWS SDK, so a cold start reads
 * one file instead of resolving the SDK from the runtime's node_modules. The benchmark builds
 * the same way (bench/handlers.ts), so the figure it reports is the deployed one.
 */
export const handlerBuild = {
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  // ESM has no `require`; CommonJS dependencies inside the bundle still call it.
  banner:
    "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
} as const;

export const lambdaBundling: BundlingOptions = {
  format: OutputFormat.ESM,
  target: handlerBuild.target,
  minify: handlerBuild.minify,
  sourceMap: handlerBuild.sourcemap,
  sourcesContent: false,
  mainFields: [...handlerBuild.mainFields],
  banner: handlerBuild.banner,
  // Bundle the SDK rather than load the runtime's copy (NodejsFunction's default from Node 18 on).
  externalModules: [],
};

/**
 * Shared Lambda settings: Node.js 24 on Graviton. The source maps ship beside the bundle for
 * reading stack traces offline; `NODE_OPTIONS=--enable-source-maps` is left off because Node then
 * parses the map at every cold start (about a quarter slower here: see bench/handlers.ts).
 */
export const lambdaDefaults = {
  runtime: Runtime.NODEJS_24_X,
  architecture: Architecture.ARM_64,
  bundling: lambdaBundling,
  projectRoot,
  depsLockFilePath: fileURLToPath(new URL('../package-lock.json', import.meta.url)),
  environment: {},
} as const;
