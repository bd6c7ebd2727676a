/**
 * The stuck-callback sweeper, against the local Amazon Connect and dynalite over HTTP.
 *
 * 1. Sweep rate: StopContact, DescribeContact and GetContactMetrics quotas at R rps (burst R) in
 *    the emulator, the sweeper's own rates at R, N eligible callbacks plus a few ineligible ones
 *    in mode `end` without tagging. The quota-limited ideal is set by the busiest of those APIs:
 *    (its calls in the emulator's request log) / R seconds, whatever the sweeper's call pattern.
 * 2. Peak RSS: one sweep over 100,000 registry items against one over 1,000, each in a fresh
 *    child process (the registry and the emulator live in this process, so the child holds only
 *    the sweeper). 99% of the items are in a denied queue, so the sweep reads every page of the
 *    index without calling Connect; 1% are verified with DescribeContact (report mode).
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CallbackEvent } from '../lambdas/core/registry/events.js';
import { readSweeperConfig } from '../lambdas/core/sweeper/config.js';
import type { LocalConnect } from '../local/connect/index.js';
import type { LocalDynamo } from '../test/support/dynalite.js';
import {
  benchEnv,
  emulatorOptions,
  hour,
  quotaRateSettings,
  quotasLabel,
  sweepAtQuotas,
  useBenchEnv,
} from './quota-sweep.js';
import type { Bench, BenchResult } from './result.js';
import { sweeperLambda } from './sweeper-lambda.js';

// The child process measures the sweeper alone: the emulator and dynalite load only in the parent.
const parentOnly = async () => ({
  ...(await import('../local/connect/index.js')),
  ...(await import('../test/support/dynalite.js')),
  ...(await import('../test/support/callback-world.js')),
});

const run$ = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const ELIGIBLE = 100;
const INELIGIBLE = 10;
const LARGE_REGISTRY = 100_000;
const SMALL_REGISTRY = 1_000;
/** Share of registry items the RSS sweeps verify with Connect; the rest sit in a denied queue. */
const VERIFIED_SHARE = 0.01;

export const run: Bench = async () => {
  useBenchEnv();
  return [await sweepRate(), await peakRss()];
};

async function sweepRate(): Promise<BenchResult> {
  const { startLocalConnect, startDynalite, seedRegistry, queuedEvent, stoppedByApi } =
    await parentOnly();
  const connect = await startLocalConnect(emulatorOptions(true));
  const dynamo = await startDynalite();
  try {
    const instance = connect.seed.instance({ alias: 'rate' });
    const queue = connect.seed.queue(instance.id, { name: 'callbacks' });
    const profile = connect.seed.securityProfile(instance.id, { name: 'agents', permissions: [] });
    const agent = connect.seed.user(instance.id, {
      username: 'agent',
      securityProfileIds: [profile.id],
    });
    const now = connect.clock.now();
    const events: CallbackEvent[] = [];
    const eligible = new Set<string>();
    for (let i = 0; i < ELIGIBLE + INELIGIBLE; i++) {
      const enqueuedAt = now - (25 + (i % 50)) * hour;
      const ineligible = i % Math.floor((ELIGIBLE + INELIGIBLE) / INELIGIBLE) === 0;
      const contact = connect.seed.contact(instance.id, {
        channel: 'VOICE',
        initiationMethod: 'CALLBACK',
        queueId: queue.id,
        enqueuedAt,
        customerPhoneNumber: `+1555${String(i).padStart(7, '0')}`,
        // Ineligible: an agent took it, but the registry never heard (a lost event).
        ...(ineligible ? { agentId: agent.id, connectedToAgentAt: enqueuedAt + hour } : {}),
      });
      if (!ineligible) eligible.add(contact.id);
      events.push(queuedEvent(contact.id, instance.id, queue.id, enqueuedAt));
    }
    await seedRegistry(dynamo, events);
    const services = sweeperLambda(
      readSweeperConfig({
        CONNECT_INSTANCE_IDS: instance.id,
        CALLBACK_TABLE_NAME: dynamo.tableName,
        SWEEP_MODE: 'end',
        TAG_ENDED_CONTACTS: 'false',
        DISCOVER_CALLBACKS: 'false',
        RECONCILE: 'false',
        ...quotaRateSettings,
        MAX_STOPS_PER_RUN: String(ELIGIBLE * 2),
      }),
      { connectEndpoint: connect.endpoint, dynamoDbEndpoint: dynamo.endpoint },
      () => connect.clock.now(),
    );
    const { report, seconds, throttled429, limitingApi, value, baseline, ratio } =
      await sweepAtQuotas(services, connect);
    const stopped = stoppedByApi({ connect }, instance.id);
    const ineligibleStops = stopped.filter((id) => !eligible.has(id)).length;
    const met =
      ratio >= 0.9 &&
      report.counts.throttled === 0 &&
      report.counts.ended === ELIGIBLE &&
      ineligibleStops === 0;
    console.log(
      `sweep rate: ended ${report.counts.ended}/${ELIGIBLE} in ${seconds.toFixed(2)} s, ${INELIGIBLE} ineligible left alone (${ineligibleStops} stopped), ${report.counts.throttled} throttle failures, ${throttled429} 429s retried`,
    );
    return {
      name: `sweep rate: ${ELIGIBLE} eligible + ${INELIGIBLE} ineligible callbacks, mode end, quotas ${quotasLabel} rps; limited by ${limitingApi}`,
      value,
      unit: 'callbacks/s',
      baseline,
      ratio,
      target: 'ratio >= 0.9 with 0 throttle failures and 0 ineligible stops',
      met,
    };
  } finally {
    await connect.close();
    await dynamo.close();
  }
}

interface ChildResult {
  maxRssKb: number;
  candidates: number;
  verified: number;
  wouldEnd: number;
  seconds: number;
}

async function peakRss(): Promise<BenchResult> {
  const { startLocalConnect, startDynalite } = await parentOnly();
  const connect = await startLocalConnect(emulatorOptions(false));
  const dynamo = await startDynalite();
  try {
    const large = await seedRssInstance(connect, dynamo, 'large', LARGE_REGISTRY);
    const small = await seedRssInstance(connect, dynamo, 'small', SMALL_REGISTRY);
    const child = async (target: typeof large) =>
      sweepInChild({
        ...benchEnv,
        PATH: process.env.PATH ?? '',
        SWEEP_BENCH_CHILD: '1',
        CONNECT_ENDPOINT: connect.endpoint,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        NOW_MS: String(connect.clock.now()),
        CONNECT_INSTANCE_IDS: target.instanceId,
        CALLBACK_TABLE_NAME: dynamo.tableName,
        QUEUE_DENY_LIST: target.deniedQueueId,
        SWEEP_MODE: 'report',
        RECONCILE: 'false',
        DISCOVER_CALLBACKS: 'false',
        DESCRIBE_CONTACT_RPS: '1000',
        // The cap would stop the large sweep early; this figure is about reading every item.
        MAX_STOPS_PER_RUN: String(LARGE_REGISTRY),
      });
    const smallRun = await child(small);
    const largeRun = await child(large);
    for (const [label, result, size] of [
      ['1k', smallRun, SMALL_REGISTRY],
      ['100k', largeRun, LARGE_REGISTRY],
    ] as const) {
      console.log(
        `peak RSS ${label}: ${(result.maxRssKb / 1024).toFixed(1)} MiB, ${result.candidates}/${size} items read, ${result.verified} verified, ${result.wouldEnd} would end, ${result.seconds.toFixed(1)} s`,
      );
      if (result.candidates !== size)
        throw new Error(`the ${label} sweep read ${result.candidates} of ${size} items`);
    }
    const value = largeRun.maxRssKb / 1024;
    const baseline = smallRun.maxRssKb / 1024;
    const ratio = value / baseline;
    return {
      name: `sweeper peak RSS: ${LARGE_REGISTRY.toLocaleString('en')} registry items vs ${SMALL_REGISTRY.toLocaleString('en')} (report mode, ${VERIFIED_SHARE * 100}% verified, fresh process each)`,
      value,
      unit: 'MiB',
      baseline,
      ratio,
      target: 'ratio <= 1.2',
      met: ratio <= 1.2,
    };
  } finally {
    await connect.close();
    await dynamo.close();
  }
}

/** Seeds `size` registry items: 1% stuck callbacks in a swept queue, the rest in a denied one. */
async function seedRssInstance(
  connect: LocalConnect,
  dynamo: LocalDynamo,
  name: string,
  size: number,
) {
  const { seedRegistry, queuedEvent } = await parentOnly();
  const instance = connect.seed.instance({ alias: name });
  const queue = connect.seed.queue(instance.id, { name: `${name}-callbacks` });
  const denied = connect.seed.queue(instance.id, { name: `${name}-denied` });
  const now = connect.clock.now();
  const every = Math.round(1 / VERIFIED_SHARE);
  const events: CallbackEvent[] = [];
  for (let i = 0; i < size; i++) {
    const enqueuedAt = now - 25 * hour - i * 1_000;
    const contactId = `${name}-${i}`;
    const verified = i % every === 0;
    if (verified) {
      connect.seed.contact(instance.id, {
        id: contactId,
        channel: 'VOICE',
        initiationMethod: 'CALLBACK',
        queueId: queue.id,
        enqueuedAt,
      });
    }
    events.push(queuedEvent(contactId, instance.id, verified ? queue.id : denied.id, enqueuedAt));
  }
  await seedRegistry(dynamo, events);
  return { instanceId: instance.id, deniedQueueId: denied.id };
}

async function sweepInChild(env: Record<string, string>): Promise<ChildResult> {
  const { stdout } = await run$(process.execPath, ['--import', 'tsx', join(here, 'sweep.ts')], {
    env,
    cwd: join(here, '..'),
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ChildResult;
}

/** The child: one sweep as the scheduled Lambda runs it, then its own peak RSS. */
async function childSweep(): Promise<void> {
  const started = performance.now();
  const nowMs = Number(process.env.NOW_MS);
  const services = sweeperLambda(
    readSweeperConfig(),
    {
      connectEndpoint: process.env.CONNECT_ENDPOINT,
      dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT,
    },
    () => nowMs,
  );
  const report = await services.sweep();
  services.destroy();
  const result: ChildResult = {
    maxRssKb: process.resourceUsage().maxRSS,
    candidates: report.counts.candidates,
    verified: report.counts.verified,
    wouldEnd: report.counts.wouldEnd,
    seconds: (performance.now() - started) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.env.SWEEP_BENCH_CHILD === '1') await childSweep();
