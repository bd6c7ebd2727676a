/**
 * The bundles the start-up benchmarks load, built the way each is deployed: ours with the CDK's
 * own options (lib/bundling.ts), the baseline with NodejsFunction's defaults.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { handlerBuild, lambdaDefaults } from '../lib/bundling.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const buildDir = join(root, 'bench', '.build');

/** `nodejs24.x` → `node24`: NodejsFunction derives its default esbuild target the same way. */
const runtimeTarget = lambdaDefaults.runtime.name.replace(/^nodejs(\d+)\.x$/, 'node$1');

/** The project's bundle of `entry`, exactly as the CDK builds it. */
export async function buildOurs(entry: string, outfile: string): Promise<string> {
  await build({
    ...handlerBuild,
    mainFields: [...handlerBuild.mainFields],
    entryPoints: [entry],
    bundle: true,
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/**
 * NodejsFunction's defaults for this runtime: CommonJS, not minified, and the AWS SDK left out,
 * so it loads from node_modules (the runtime's copy on Lambda, the project's here).
 */
export async function buildBaseline(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: runtimeTarget,
    format: 'cjs',
    external: ['@aws-sdk/*'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/**
 * The environment Lambda gives a function (credentials in the environment, the Region, the
 * runtime's name), so the SDK resolves its configuration the deployed way. Nothing of this
 * machine's own environment leaks in: a profile or config file here would change the chain.
 */
export function lambdaEnvironment(functionName: string): Record<string, string> {
  return {
    ...lambdaDefaults.environment,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_EXECUTION_ENV: `AWS_Lambda_${lambdaDefaults.runtime.name}`,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    POWERTOOLS_SERVICE_NAME: functionName,
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
}

/**
 * JavaScript for a child process (`--input-type=module`): `load(file)` loads a bundle the way
 * Lambda's Node.js runtime does, with `import()` whatever its module format (aws-lambda-ric 4,
 * src/function/module-loader.ts).
 */
export const loadLikeLambda = `
const load = async (file) => import((await import('node:url')).pathToFileURL(file).href);
`;

/** Where a handler's source lives. */
export function handlerSource(name: string): string {
  return join(root, 'lambdas', name, 'handler.ts');
}

/** Ours and the baseline for one handler, under bench/.build/<name>/. */
export async function buildBoth(name: string): Promise<{ ours: string; baseline: string }> {
  const entry = handlerSource(name);
  return {
    ours: await buildOurs(entry, join(buildDir, name, 'ours', 'index.cjs')),
    baseline: await buildBaseline(entry, join(buildDir, name, 'baseline', 'index.cjs')),
  };
}
