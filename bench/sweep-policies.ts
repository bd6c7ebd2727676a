/**
 * The sweeper with sweep policies over 2 instances × 3 queues in one account and Region, against
 * the local Amazon Connect and dynalite over HTTP, in mode `end`.
 *
 * Connect's quotas are per account and Region, so both instances share one budget: the emulator
 * holds StopContact, DescribeContact and GetContactMetrics to one rate each across instances, and
 * the sweeper's own rates are the same. The ideal is set by the busiest of those APIs: (its calls
 * in the emulator's request log) / its rate, in seconds, whatever the sweeper's call pattern.
 *
 * Each queue has its own rule age (one queue has no rule). Every queue holds callbacks past its
 * rule's age (to end), callbacks past the youngest age but under their own rule's (to keep), and
 * callbacks an agent took without the registry hearing (to keep). The figure is met only if
 * exactly the first kind were ended.
 */
import type { CallbackEvent } from '../lambdas/core/registry/events.js';
import { readSweeperConfig } from '../lambdas/core/sweeper/config.js';
import { startLocalConnect } from '../local/connect/index.js';
import { queuedEvent, seedRegistry, stoppedByApi } from '../test/support/callback-world.js';
import { startDynalite } from '../test/support/dynalite.js';
import {
  emulatorOptions,
  hour,
  quotaRateSettings,
  quotasLabel,
  sweepAtQuotas,
  useBenchEnv,
} from './quota-sweep.js';
import type { Bench, BenchResult } from './result.js';
import { sweeperLambda } from './sweeper-lambda.js';

/** Per queue with a rule: callbacks past its rule's age, under it, and taken by an agent. */
const PAST_RULE = 10;
const UNDER_RULE = 4;
const WITH_AGENT = 1;
/** Old callbacks in the queue no rule names. */
const NO_RULE = 6;

/** Each instance's three queues and their rule age; `undefined`: no rule. */
const LAYOUT = [
  {
    instance: 'east',
    queues: [
      ['billing', 4],
      ['claims', 72],
      ['general', 24],
    ],
  },
  {
    instance: 'west',
    queues: [
      ['billing', 2],
      ['claims', 12],
      ['archive', undefined],
    ],
  },
] as const;

export const run: Bench = async () => {
  useBenchEnv();
  return [await sweepWithPolicies()];
};

async function sweepWithPolicies(): Promise<BenchResult> {
  const connect = await startLocalConnect(emulatorOptions(true));
  const dynamo = await startDynalite();
  try {
    const now = connect.clock.now();
    const events: CallbackEvent[] = [];
    const rules: unknown[] = [];
    /** Contact ID → the instance it is in, for every callback its rule must end. */
    const toEnd = new Set<string>();
    const instanceIds: string[] = [];
    let n = 0;
    for (const { instance: alias, queues } of LAYOUT) {
      const instance = connect.seed.instance({ alias });
      instanceIds.push(instance.id);
      const profile = connect.seed.securityProfile(instance.id, {
        name: 'agents',
        permissions: [],
      });
      const agent = connect.seed.user(instance.id, {
        username: `${alias}-agent`,
        securityProfileIds: [profile.id],
      });
      for (const [name, ageHours] of queues) {
        const queue = connect.seed.queue(instance.id, { name: `${alias}-${name}` });
        if (ageHours !== undefined) {
          rules.push({
            name: `${alias}-${name}`,
            instance: instance.id,
            queues: [queue.id],
            maxQueuedAge: `${ageHours}h`,
            mode: 'end',
          });
        }
        const ruleAgeMs = (ageHours ?? 1) * hour;
        const seed = (ageMs: number, withAgent = false) => {
          const enqueuedAt = now - ageMs;
          const contact = connect.seed.contact(instance.id, {
            channel: 'VOICE',
            initiationMethod: 'CALLBACK',
            queueId: queue.id,
            enqueuedAt,
            customerPhoneNumber: `+1555${String(n++).padStart(7, '0')}`,
            // An agent took it, but the registry never heard (a lost event).
            ...(withAgent ? { agentId: agent.id, connectedToAgentAt: enqueuedAt + 60_000 } : {}),
          });
          events.push(queuedEvent(contact.id, instance.id, queue.id, enqueuedAt));
          return contact.id;
        };
        if (ageHours === undefined) {
          for (let i = 0; i < NO_RULE; i++) seed((100 + i) * hour);
          continue;
        }
        for (let i = 0; i < PAST_RULE; i++) toEnd.add(seed(ruleAgeMs + (1 + i) * hour));
        // Past the youngest rule age (2 h), so the index read returns them, but under their own.
        for (let i = 0; i < UNDER_RULE; i++) seed(ruleAgeMs - (i + 1) * (ruleAgeMs / 10));
        for (let i = 0; i < WITH_AGENT; i++) seed(ruleAgeMs + 5 * hour, true);
      }
    }
    await seedRegistry(dynamo, events);
    const services = sweeperLambda(
      readSweeperConfig({
        CONNECT_INSTANCE_IDS: instanceIds.join(','),
        CALLBACK_TABLE_NAME: dynamo.tableName,
        SWEEP_POLICIES: JSON.stringify(rules),
        TAG_ENDED_CONTACTS: 'false',
        DISCOVER_CALLBACKS: 'false',
        RECONCILE: 'false',
        ...quotaRateSettings,
        MAX_STOPS_PER_RUN: String(toEnd.size * 2),
      }),
      { connectEndpoint: connect.endpoint, dynamoDbEndpoint: dynamo.endpoint },
      () => connect.clock.now(),
    );
    const { report, seconds, throttled429, limitingApi, value, baseline, ratio } =
      await sweepAtQuotas(services, connect);
    const stopped = instanceIds.flatMap((id) => stoppedByApi({ connect }, id));
    const outsideRule = stopped.filter((id) => !toEnd.has(id)).length;
    const missed = [...toEnd].filter((id) => !stopped.includes(id)).length;
    const met =
      ratio >= 0.9 &&
      report.counts.throttled === 0 &&
      outsideRule === 0 &&
      missed === 0 &&
      report.counts.ended === toEnd.size;
    console.log(
      `sweep policies: ended ${report.counts.ended}/${toEnd.size} over 2 instances × 3 queues in ${seconds.toFixed(2)} s, ${outsideRule} ended outside their rule, ${missed} missed, skipped ${JSON.stringify(report.counts.skipped)}, ${report.counts.throttled} throttle failures, ${throttled429} 429s retried`,
    );
    return {
      name: `sweep policies: 2 instances × 3 queues in one account and Region, per-rule ages (2h–3d, one queue without a rule), mode end, shared quotas ${quotasLabel} rps; limited by ${limitingApi}`,
      value,
      unit: 'callbacks/s',
      baseline,
      ratio,
      target: 'ratio >= 0.9 with 0 throttle failures and 0 contacts ended outside their rule',
      met,
    };
  } finally {
    await connect.close();
    await dynamo.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [result] = await run();
  console.log(result);
  if (!result?.met) process.exitCode = 1;
}
