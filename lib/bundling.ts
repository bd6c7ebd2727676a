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
 * How every handler is bundled: one minified CommonJS file that contains the AWS SDK, so a cold
 * start reads one file instead of resolving the SDK from the runtime's node_modules. The
 * benchmark builds with these same options (bench/bundles.ts), so its figures are the deployed
 * ones. Why CommonJS rather than ESM: an ESM `import` of a Node built-in builds a namespace that
 * reads every export, and node:http's lazy WebSocket export then loads undici (about 25 ms on
 * Node 24; nodejs/node#57649, #59686); `require` reads nothing it is not asked for.
 */
export const handlerBuild = {
  format: 'cjs',
  platform: 'node',
  target: 'node24',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  // The SDK's ES module builds, which esbuild can tree-shake (its CommonJS builds are one file each).
  mainFields: ['module', 'main'],
  // The SDK loads node:http with `import()` when an endpoint is plain HTTP: make that a `require` too.
  supported: { 'dynamic-import': false },
} as const;

export const lambdaBundling: BundlingOptions = {
  format: OutputFormat.CJS,
  target: handlerBuild.target,
  minify: handlerBuild.minify,
  sourceMap: handlerBuild.sourcemap,
  sourcesContent: handlerBuild.sourcesContent,
  mainFields: [...handlerBuild.mainFields],
  esbuildArgs: { '--supported:dynamic-import': String(handlerBuild.supported['dynamic-import']) },
  // NodejsFunction leaves `@aws-sdk/*` out from Node 18 on, for the runtime's copy: bundle it.
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
