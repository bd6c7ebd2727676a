/**
 * The sweeper's last-look-to-stop gap, against the local Amazon Connect and dynalite over HTTP.
 *
 * For each callback the sweeper ends: the time from the answer of its last DescribeContact or
 * GetContactMetrics to the arrival of its StopContact, as the local Connect's request log records
 * them. DescribeContact and TagContact are each slowed by 0–1.5 s, so a sweep that let either sit
 * between the look and the stop would show it here. The baseline is the same gap for a client
 * that does nothing at all between two calls: one answer, then the next request.
 */
import { DescribeContactCommand } from '@aws-sdk/client-connect';
import { createConnectClient } from '../lambdas/core/connect/client.js';
import type { CallbackEvent } from '../lambdas/core/registry/events.js';
import { readSweeperConfig } from '../lambdas/core/sweeper/config.js';
import { startLocalConnect } from '../local/connect/index.js';
import { queuedEvent, seedRegistry } from '../test/support/callback-world.js';
import { startDynalite } from '../test/support/dynalite.js';
import { type Bench, type BenchResult, percentile } from './result.js';
import { sweeperLambda } from './sweeper-lambda.js';

const hour = 3_600_000;
const CALLBACKS = 120;
const BASELINE_CALLS = 120;
const SLOW = { latencyJitterMs: 1_500 };

export const run: Bench = async () => {
  const connect = await startLocalConnect({
    quotas: false,
    clockStart: new Date('2026-11-22T12:00:00.000Z'),
    freezeClock: true,
    seed: 11,
  });
  const dynamo = await startDynalite();
  try {
    const instance = connect.seed.instance({ alias: 'gap' });
    const queue = connect.seed.queue(instance.id, { name: 'callbacks' });
    const now = connect.clock.now();
    const events: CallbackEvent[] = [];
    for (let i = 0; i < CALLBACKS; i++) {
      const enqueuedAt = now - (25 + i) * hour;
      const contact = connect.seed.contact(instance.id, {
        channel: 'VOICE',
        initiationMethod: 'CALLBACK',
        queueId: queue.id,
        enqueuedAt,
        customerPhoneNumber: '+15550100',
      });
      events.push(queuedEvent(contact.id, instance.id, queue.id, enqueuedAt));
    }
    await seedRegistry(dynamo, events);

    // Baseline: back-to-back DescribeContact calls, nothing in between.
    const client = createConnectClient(
      { maxAttempts: 1, connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000 },
      { endpoint: connect.endpoint },
    );
    const probe = events[0]?.contactId ?? '';
    connect.clearRequestLog();
    for (let i = 0; i < BASELINE_CALLS; i++) {
      await client.send(new DescribeContactCommand({ InstanceId: instance.id, ContactId: probe }));
    }
    client.destroy();
    const log = connect.requestLog();
    const baseline = log.slice(1).map((entry, i) => entry.receivedAt - (log[i]?.at ?? 0));

    connect.faults.set('DescribeContact', SLOW);
    connect.faults.set('TagContact', SLOW);
    const services = sweeperLambda(
      readSweeperConfig({
        CONNECT_INSTANCE_IDS: instance.id,
        CALLBACK_TABLE_NAME: dynamo.tableName,
        SWEEP_MODE: 'end',
        RECONCILE: 'false',
        DISCOVER_CALLBACKS: 'false',
        SWEEP_CONCURRENCY: '8',
        DESCRIBE_CONTACT_RPS: '1000',
        STOP_CONTACT_RPS: '1000',
        TAG_CONTACT_RPS: '1000',
        GET_CONTACT_METRICS_RPS: '1000',
        CONNECT_REQUEST_TIMEOUT_MS: '5000',
        MAX_STOPS_PER_RUN: String(CALLBACKS),
      }),
      { connectEndpoint: connect.endpoint, dynamoDbEndpoint: dynamo.endpoint },
      () => connect.clock.now(),
    );
    connect.clearRequestLog();
    const report = await services.sweep();
    services.destroy();

    const gaps = lastLookGaps(connect.requestLog());
    return [gapFigure(gaps, baseline, report.counts.ended)];
  } finally {
    connect.faults.clear();
    await connect.close();
    await dynamo.close();
  }
};

type Entry = ReturnType<Awaited<ReturnType<typeof startLocalConnect>>['requestLog']>[number];

/** Per StopContact: its arrival minus the answer of the last look at the same contact before it. */
function lastLookGaps(log: readonly Entry[]): number[] {
  const lastLookAt = new Map<string, Entry>();
  const gaps: number[] = [];
  for (const entry of [...log].sort((a, b) => a.seq - b.seq)) {
    if (!entry.contactId) continue;
    if (entry.operation === 'DescribeContact' || entry.operation === 'GetContactMetrics') {
      if (entry.status === 200) lastLookAt.set(entry.contactId, entry);
    } else if (entry.operation === 'StopContact') {
      const look = lastLookAt.get(entry.contactId);
      if (look) gaps.push(entry.receivedAt - look.at);
    }
  }
  return gaps;
}

function gapFigure(gaps: number[], baseline: number[], ended: number): BenchResult {
  const sorted = [...gaps].sort((a, b) => a - b);
  const base = [...baseline].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  const max = sorted.at(-1) ?? Number.NaN;
  const baseP99 = percentile(base, 99);
  console.log(
    `last look → StopContact over ${gaps.length} ends (${ended} reported): p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${max.toFixed(2)} ms; back-to-back baseline p50 ${percentile(base, 50).toFixed(2)} ms, p99 ${baseP99.toFixed(2)} ms`,
  );
  return {
    name: `Last look to StopContact gap, p99 (max ${max.toFixed(1)} ms, p50 ${p50.toFixed(1)} ms; ${gaps.length} ends, DescribeContact and TagContact slowed 0–1.5 s)`,
    value: p99,
    unit: 'ms',
    baseline: baseP99,
    ratio: p99 / baseP99,
    target: 'p99 <= 50 ms and max <= 200 ms, over >= 100 ends',
    met: p99 <= 50 && max <= 200 && gaps.length >= 100,
  };
}
