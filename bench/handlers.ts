import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { buildBoth, buildDir, lambdaEnvironment, loadLikeLambda } from './bundles.js';
import { type Bench, type BenchResult, median, percentile } from './result.js';

const run$ = promisify(execFile);
const handlers = ['end-contact', 'stop-contact-api'] as const;
const importRuns = 25;

/** Milliseconds to import a module in a fresh Node process, measured inside that process. */
async function importTimeMs(file: string, name: string): Promise<number> {
  const script = `${loadLikeLambda}const t = performance.now(); await load(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run$(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dirname(file),
    env: lambdaEnvironment(name),
  });
  return Number(stdout);
}

async function importTimes(): Promise<BenchResult[]> {
  await rm(buildDir, { recursive: true, force: true });
  await mkdir(buildDir, { recursive: true });
  const results: BenchResult[] = [];
  for (const name of handlers) {
    const files = await buildBoth(name);
    const ours: number[] = [];
    const baseline: number[] = [];
    // Interleaved so that noise on this shared machine hits both alike.
    for (let i = 0; i < importRuns; i++) {
      ours.push(await importTimeMs(files.ours, name));
      baseline.push(await importTimeMs(files.baseline, name));
    }
    const value = median(ours);
    const base = median(baseline);
    results.push({
      name: `import time: ${name} bundle (median of ${importRuns} fresh Node ${process.versions.node.split('.')[0]} processes)`,
      value,
      unit: 'ms',
      baseline: base,
      ratio: value / base,
      target: 'ratio <= 0.6 vs NodejsFunction defaults (CJS, SDK external)',
      met: value / base <= 0.6,
    });
  }
  return results;
}

/** Per-invocation time of the flow handler with a Connect client that answers at once. */
async function warmOverhead(): Promise<BenchResult[]> {
  Object.assign(process.env, lambdaEnvironment('end-contact'));
  const { ConnectClient } = await import('@aws-sdk/client-connect');
  const realSend = ConnectClient.prototype.send;
  ConnectClient.prototype.send = (async () => ({})) as never;
  try {
    return await measureWarmOverhead(ConnectClient);
  } finally {
    // Later benchmarks in this process talk to a real (local) Connect.
    ConnectClient.prototype.send = realSend;
  }
}

async function measureWarmOverhead(
  ConnectClient: typeof import('@aws-sdk/client-connect').ConnectClient,
): Promise<BenchResult[]> {
  const { handler } = await import('../lambdas/end-contact/handler.js');
  const { endContact } = await import('../lambdas/core/end-contact/end-contact.js');
  const { SecurityUserAuthorizer } = await import('../lambdas/core/end-contact/security-user.js');
  const { flowEvent, lambdaContext } = await import('../test/fixtures/index.js');

  const event = flowEvent({ ContactId: '7a6d0b1c-3f2e-4c5d-9e8f-0a1b2c3d4e5f' });
  const context = lambdaContext(8_000);
  const client = new ConnectClient({});
  const deps = {
    client,
    securityUsers: new SecurityUserAuthorizer(client, {
      requiredPermission: 'StopContact.Enabled',
      cacheTtlMs: 60_000,
    }),
    requireSecurityUser: false,
  };
  const request = { instanceId: 'c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f', contactId: '7a6d0b1c' };

  const sample = async (fn: () => Promise<unknown>, runs: number) => {
    for (let i = 0; i < 2_000; i++) await fn();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      await fn();
      times.push(Number(process.hrtime.bigint() - start) / 1_000);
    }
    return times.sort((a, b) => a - b);
  };
  // The handler prints an EMF record per invocation: still built and passed to stdout, which drops it.
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  let full: number[];
  let bare: number[];
  try {
    const result = await handler(event, context);
    if (result.Branch !== 'OnSuccess') throw new Error(`warm bench: unexpected ${result.Branch}`);
    const runs = 20_000;
    full = await sample(() => handler(event, context), runs);
    bare = await sample(() => endContact(deps, request), runs);
  } finally {
    process.stdout.write = write;
  }
  const p99 = percentile(full, 99);
  return [
    {
      name: 'flow handler warm overhead p50 (validation + middy + mapping, instant client)',
      value: percentile(full, 50),
      unit: 'µs',
      baseline: percentile(bare, 50),
      ratio: percentile(full, 50) / percentile(bare, 50),
      target: 'informational (baseline: core endContact alone)',
      met: true,
    },
    {
      name: 'flow handler warm overhead p99 (validation + middy + mapping, instant client)',
      value: p99,
      unit: 'µs',
      baseline: percentile(bare, 99),
      ratio: p99 / percentile(bare, 99),
      target: 'p99 < 1000 µs (baseline: core endContact alone)',
      met: p99 < 1_000,
    },
  ];
}

export const run: Bench = async () => [...(await importTimes()), ...(await warmOverhead())];
