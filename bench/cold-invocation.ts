/**
 * Cold invocation of the End a Contact flow handler, as a user feels it: a fresh Node process
 * imports the bundle and makes its first invocation, which ends a contact on the local Amazon
 * Connect over HTTP; the timer (inside that process) stops when the answer is back. That covers
 * loading the code, the SDK's credential and endpoint resolution, signing and the first connection.
 *
 * Ours (lib/bundling.ts) against NodejsFunction's defaults, and against the floor: a bundle that
 * only creates the SDK client and sends one StopContact. Runs interleave, in rotating order, and
 * each ratio is the median of the per-round ratios, so load that comes and goes on this shared
 * machine hits both sides of a ratio alike.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  buildBaseline,
  buildDir,
  buildOurs,
  handlerSource,
  lambdaEnvironment,
  loadLikeLambda,
} from './bundles.js';
import { type Bench, type BenchResult, median } from './result.js';

const run$ = promisify(execFile);
const RUNS = 31;
const variants = ['ours', 'baseline', 'floor'] as const;
type Variant = (typeof variants)[number];

/**
 * The child: loads the bundle the way Lambda's runtime does, invokes it once and prints the
 * elapsed time and the answer.
 */
const childScript = `${loadLikeLambda}
const [file, eventJson] = process.argv.slice(1);
const event = JSON.parse(eventJson);
const deadline = Date.now() + 8000;
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:end-contact',
  memoryLimitInMB: '256', awsRequestId: 'c0ffee00-0000-4000-8000-000000000000',
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME, logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => deadline - Date.now(),
};
const start = performance.now();
const { handler } = await load(file);
const answer = await handler(event, context);
const ms = performance.now() - start;
// On a line of its own, last: the handler prints its metrics (EMF) to stdout too.
process.stdout.write('\\n' + JSON.stringify({ ms, answer }) + '\\n');
`;

async function buildAll(): Promise<Record<Variant, string>> {
  const dir = join(buildDir, 'cold-invocation');
  const entry = handlerSource('end-contact');
  const floor = fileURLToPath(new URL('floor-handler.ts', import.meta.url));
  return {
    ours: await buildOurs(entry, join(dir, 'ours', 'index.cjs')),
    baseline: await buildBaseline(entry, join(dir, 'baseline', 'index.cjs')),
    floor: await buildOurs(floor, join(dir, 'floor', 'index.cjs')),
  };
}

/** One fresh process, one invocation; fails unless the contact was ended. */
export async function coldInvocationMs(
  file: string,
  event: unknown,
  env: Record<string, string>,
): Promise<number> {
  const { stdout } = await run$(
    process.execPath,
    ['--input-type=module', '-e', childScript, file, JSON.stringify(event)],
    { cwd: dirname(file), env },
  );
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  const { ms, answer } = JSON.parse(last) as { ms: number; answer: { Branch?: string } };
  if (answer.Branch !== 'OnSuccess') {
    throw new Error(`cold invocation of ${file} answered ${JSON.stringify(answer)}`);
  }
  return ms;
}

export const run: Bench = async () => {
  const bundles = await buildAll();
  // Loaded here, not at the top, so nothing of the emulator is in the module graph of a child.
  const { startLocalConnect } = await import('../local/connect/index.js');
  const { flowEvent } = await import('../test/fixtures/index.js');
  const connect = await startLocalConnect({ quotas: false });
  const times: Record<Variant, number[]> = { ours: [], baseline: [], floor: [] };
  try {
    const instance = connect.seed.instance();
    const env = {
      ...lambdaEnvironment('end-contact'),
      AWS_ENDPOINT_URL_CONNECT: connect.endpoint,
    };
    // Round 0 warms the file cache and is not counted.
    for (let round = 0; round <= RUNS; round++) {
      for (let k = 0; k < variants.length; k++) {
        const variant = variants[(round + k) % variants.length] as Variant;
        const contact = connect.seed.contact(instance.id, {
          channel: 'CHAT',
          initiationMethod: 'API',
        });
        const event = flowEvent({ ContactId: contact.id, InstanceId: instance.id });
        const ms = await coldInvocationMs(bundles[variant], event, env);
        if (round > 0) times[variant].push(ms);
      }
    }
    const stops = connect
      .requestLog()
      .filter((entry) => entry.operation === 'StopContact' && entry.status === 200);
    if (stops.length !== (RUNS + 1) * variants.length) {
      throw new Error(`cold invocation: expected one StopContact per run, saw ${stops.length}`);
    }
  } finally {
    await connect.close();
  }
  const ours = median(times.ours);
  const pairedRatio = (of: number[], to: number[]) => median(of.map((ms, i) => ms / (to[i] ?? ms)));
  const ratioToBaseline = pairedRatio(times.ours, times.baseline);
  const ratioToFloor = pairedRatio(times.ours, times.floor);
  const floorToBaseline = pairedRatio(times.floor, times.baseline);
  const label = `cold invocation: end-contact flow handler, import + first StopContact over HTTP (median of ${RUNS} interleaved fresh Node ${process.versions.node.split('.')[0]} processes)`;
  const results: BenchResult[] = [
    {
      name: `${label} vs NodejsFunction defaults`,
      value: ours,
      unit: 'ms',
      baseline: median(times.baseline),
      ratio: ratioToBaseline,
      target: 'ratio <= 0.6 vs NodejsFunction defaults (CJS, SDK external)',
      met: ratioToBaseline <= 0.6,
    },
    {
      name: `${label} vs the floor (SDK client + one StopContact, same bundling)`,
      value: ours,
      unit: 'ms',
      baseline: median(times.floor),
      ratio: ratioToFloor,
      target: 'ratio <= 1.15 vs the floor',
      met: ratioToFloor <= 1.15,
    },
    {
      // No handler on this SDK can beat the floor: this bounds the first figure's ratio from below.
      name: `cold invocation: the floor (SDK client + one StopContact) vs NodejsFunction defaults (same ${RUNS} rounds)`,
      value: median(times.floor),
      unit: 'ms',
      baseline: median(times.baseline),
      ratio: floorToBaseline,
      target: 'informational: the best ratio vs NodejsFunction defaults any handler can reach',
      met: true,
    },
  ];
  return results;
};
