import {
  ConnectClient,
  type Contact,
  DescribeContactCommand,
  GetContactMetricsCommand,
  StopContactCommand,
  TagContactCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  everyQueue,
  inQueueSet,
  type QueuedCallback,
} from '../../../../lambdas/core/registry/registry.js';
import type { SweepSettings } from '../../../../lambdas/core/sweeper/config.js';
import type { SweepRegistry } from '../../../../lambdas/core/sweeper/model.js';
import {
  checkCron,
  checkTimeZone,
  defaultRule,
  matchRule,
  type PolicyContext,
  parseSweepPolicies,
  policiesToJson,
  type SweepRule,
} from '../../../../lambdas/core/sweeper/rules.js';
import { sweepStuckCallbacks } from '../../../../lambdas/core/sweeper/run.js';
import { hour, testRules, testSweepSettings } from '../../../support/sweep-settings.js';

const instanceA = '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const instanceB = '1e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const billing = 'b0000000-0000-4000-8000-000000000001';
const claims = 'c0000000-0000-4000-8000-000000000002';

const context: PolicyContext = {
  defaults: { maxQueuedAgeMs: 24 * hour, mode: 'report', duplicatesPolicy: 'off' },
  instanceIds: [instanceA, instanceB],
  source: 'context key sweepPolicies',
};

const parse = (input: unknown) => parseSweepPolicies(input, context);

/** The problems of a refused input; fails the test when it was accepted. */
function problemsOf(input: unknown): string[] {
  const result = parse(input);
  if (result.ok) throw new Error('expected the policies to be refused');
  return result.problems;
}

function rulesOf(input: unknown): SweepRule[] {
  const result = parse(input);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.rules;
}

describe('parseSweepPolicies', () => {
  it('reads ordered rules, filling what a rule leaves out from the global settings', () => {
    const rules = rulesOf([
      { name: 'billing', queues: [billing], maxQueuedAge: '4h', mode: 'end' },
      {
        name: 'claims',
        instance: `arn:aws:connect:us-east-1:123456789012:instance/${instanceB}`,
        queues: [`arn:aws:connect:us-east-1:123456789012:instance/${instanceB}/queue/${claims}`],
        maxQueuedAge: '3d',
      },
      { queues: '*' },
    ]);

    expect(rules).toEqual([
      {
        name: 'billing',
        queues: [billing],
        maxQueuedAgeMs: 4 * hour,
        mode: 'end',
        duplicatesPolicy: 'off',
        schedules: [],
      },
      {
        name: 'claims',
        instanceId: instanceB,
        queues: [claims],
        maxQueuedAgeMs: 72 * hour,
        mode: 'report',
        duplicatesPolicy: 'off',
        schedules: [],
      },
      {
        name: 'rule-3',
        queues: '*',
        maxQueuedAgeMs: 24 * hour,
        mode: 'report',
        duplicatesPolicy: 'off',
        schedules: [],
      },
    ]);
  });

  it('reads scheduled clears with their time zone, minimum age and mode (end by default)', () => {
    const [rule] = rulesOf([
      {
        name: 'billing',
        queues: [billing],
        schedules: [
          { name: 'billing-close', cron: 'cron(0 18 ? * MON-FRI *)', timeZone: 'America/New_York' },
          { cron: '30 23 L * ? *', timeZone: 'Europe/Paris', minAge: '30m', mode: 'report' },
        ],
      },
    ]);

    expect(rule?.schedules).toEqual([
      {
        name: 'billing-close',
        cron: '0 18 ? * MON-FRI *',
        timeZone: 'America/New_York',
        minAgeMs: 0,
        mode: 'end',
      },
      {
        name: 'billing-2',
        cron: '30 23 L * ? *',
        timeZone: 'Europe/Paris',
        minAgeMs: 30 * 60_000,
        mode: 'report',
      },
    ]);
  });

  it('reads JSON text (an environment variable, -c) as it reads parsed JSON', () => {
    const input = [{ name: 'all', queues: '*', maxQueuedAge: '2h' }];
    expect(parse(JSON.stringify(input))).toEqual(parse(input));
  });

  it('round-trips through the JSON the sweeper environment carries', () => {
    const rules = rulesOf([
      {
        name: 'billing',
        instance: instanceA,
        queues: [billing],
        maxQueuedAge: '4h',
        duplicatesPolicy: 'keep-oldest',
        schedules: [{ cron: '0 18 ? * MON-FRI *', timeZone: 'America/New_York', minAge: '1h' }],
      },
      { name: 'rest', queues: '*', mode: 'end' },
    ]);
    expect(parse(policiesToJson(rules))).toEqual({ ok: true, rules, arns: [] });
  });

  it.each([
    [
      'an unknown field',
      [{ name: 'billing', queues: '*', maxAge: '4h' }],
      'context key sweepPolicies: rule 1 ("billing") has unknown field(s) maxAge: allowed are name, instance, queues, maxQueuedAge, mode, duplicatesPolicy, schedules',
    ],
    [
      'an impossible age',
      [{ queues: '*' }, { name: 'claims', queues: [claims], maxQueuedAge: '90d' }],
      'context key sweepPolicies: rule 2 ("claims"), field maxQueuedAge must be a duration from 5m to 14d, written like "30m", "4h" or "3d", got "90d"',
    ],
    [
      'an age under the floor',
      [{ queues: [billing], maxQueuedAge: '1m' }],
      'context key sweepPolicies: rule 1, field maxQueuedAge must be a duration from 5m to 14d, written like "30m", "4h" or "3d", got "1m"',
    ],
    [
      'a bad mode',
      [{ name: 'b', queues: [billing], mode: 'delete' }],
      'context key sweepPolicies: rule 1 ("b"), field mode must be report or end, got "delete"',
    ],
    [
      'no queues',
      [{ name: 'b' }],
      'context key sweepPolicies: rule 1 ("b"), field queues must be "*" or a non-empty list of queue IDs or queue ARNs, got undefined',
    ],
    [
      'a bad queue',
      [{ name: 'b', queues: ['not a queue'] }],
      'context key sweepPolicies: rule 1 ("b"), field queues must be "*" or a non-empty list of queue IDs or queue ARNs, got "not a queue" in the list',
    ],
    [
      'an invalid time zone',
      [
        {
          name: 'b',
          queues: [billing],
          schedules: [{ cron: '0 18 ? * MON-FRI *', timeZone: 'America/Gotham' }],
        },
      ],
      'context key sweepPolicies: rule 1 ("b"), schedule 1, field timeZone must be an IANA time zone name such as "America/New_York" or "UTC", got "America/Gotham"',
    ],
    [
      'an invalid cron expression (hour 25)',
      [
        {
          name: 'b',
          queues: [billing],
          schedules: [{ cron: '0 25 ? * MON-FRI *', timeZone: 'UTC' }],
        },
      ],
      'context key sweepPolicies: rule 1 ("b"), schedule 1, field cron must be an EventBridge Scheduler cron expression of six fields, minutes hours day-of-month month day-of-week year, such as "0 18 ? * MON-FRI *"; its hours field "25" is not valid',
    ],
    [
      'a five-field (Unix) cron',
      [{ name: 'b', queues: [billing], schedules: [{ cron: '0 18 * * 1-5', timeZone: 'UTC' }] }],
      'context key sweepPolicies: rule 1 ("b"), schedule 1, field cron must be an EventBridge Scheduler cron expression of six fields, minutes hours day-of-month month day-of-week year, such as "0 18 ? * MON-FRI *", got "0 18 * * 1-5"',
    ],
    [
      'an unknown schedule field',
      [
        {
          name: 'b',
          queues: [billing],
          schedules: [{ cron: '0 18 ? * MON-FRI *', timeZone: 'UTC', at: '18:00' }],
        },
      ],
      'context key sweepPolicies: rule 1 ("b"), schedule 1 has unknown field(s) at: allowed are name, cron, timeZone, minAge, mode',
    ],
    [
      'an instance that is not listed',
      [{ name: 'b', instance: 'ffffffff-0000-4000-8000-000000000000', queues: '*' }],
      `context key sweepPolicies: rule 1 ("b"), field instance names ffffffff-0000-4000-8000-000000000000, which is not one of the deployment's instances (${instanceA}, ${instanceB})`,
    ],
    [
      'a later rule an earlier "*" hides',
      [
        { name: 'all', queues: '*' },
        { name: 'billing', queues: [billing], maxQueuedAge: '4h' },
      ],
      'context key sweepPolicies: rule 2 ("billing") can never match: rule 1 ("all") already matches every queue it names; put it first or narrow the earlier rule\'s queues',
    ],
    [
      'a later rule whose queues earlier rules cover together',
      [
        { name: 'b', queues: [billing] },
        { name: 'c', queues: [claims] },
        { name: 'both', instance: instanceA, queues: [claims, billing] },
      ],
      `context key sweepPolicies: rule 3 ("both") can never match: rule 2 ("c") and rule 1 ("b") already match every queue it names in instance ${instanceA}; put it first or narrow the earlier rule's queues`,
    ],
    [
      'a rule without instance that per-instance "*" rules cover in every instance',
      [
        { name: 'a', instance: instanceA, queues: '*' },
        { name: 'b', instance: instanceB, queues: '*' },
        { name: 'rest', queues: '*' },
      ],
      'context key sweepPolicies: rule 3 ("rest") can never match: rule 1 ("a") and rule 2 ("b") already match every queue it names; put it first or narrow the earlier rule\'s queues',
    ],
    [
      'two rules of one name',
      [
        { name: 'b', queues: [billing] },
        { name: 'b', queues: [claims] },
      ],
      'context key sweepPolicies: rule 2 ("b"), field name is used by an earlier rule',
    ],
    [
      'not an array',
      { name: 'b', queues: '*' },
      'context key sweepPolicies must be a JSON array of rules (docs/sweep-policies.md)',
    ],
  ])('refuses %s with one line naming the rule and the field', (_, input, line) => {
    expect(problemsOf(input)).toEqual([line]);
  });

  it('refuses text that is not JSON, saying so', () => {
    expect(problemsOf('[{"queues": "*"')[0]).toMatch(
      /^context key sweepPolicies is not valid JSON: /,
    );
  });

  it('accepts a later rule of another instance or with other queues than an earlier one', () => {
    expect(
      rulesOf([
        { name: 'a', instance: instanceA, queues: '*' },
        { name: 'b-billing', instance: instanceB, queues: [billing] },
        { name: 'rest', queues: '*' },
      ]).map((r) => r.name),
    ).toEqual(['a', 'b-billing', 'rest']);
  });
});

describe('matchRule', () => {
  const rules = rulesOf([
    { name: 'billing', queues: [billing], maxQueuedAge: '4h' },
    { name: 'claims-b', instance: instanceB, queues: [claims], maxQueuedAge: '3d' },
    { name: 'rest-a', instance: instanceA, queues: '*', maxQueuedAge: '1d' },
  ]);

  it('takes the first rule whose instance and queues match', () => {
    expect(matchRule(rules, instanceA, billing)?.name).toBe('billing');
    expect(matchRule(rules, instanceB, billing)?.name).toBe('billing');
    expect(matchRule(rules, instanceB, claims)?.name).toBe('claims-b');
    expect(matchRule(rules, instanceA, claims)?.name).toBe('rest-a');
  });

  it('matches no rule for a callback no rule names: it is left alone', () => {
    expect(matchRule(rules, instanceB, 'other-queue')).toBeUndefined();
    expect(matchRule(rules, instanceB, undefined)).toBeUndefined();
  });

  it('makes the global settings one rule for every queue when there are no policies', () => {
    const rule = defaultRule(context.defaults);
    expect(rule).toEqual({
      name: 'default',
      queues: '*',
      maxQueuedAgeMs: 24 * hour,
      mode: 'report',
      duplicatesPolicy: 'off',
      schedules: [],
    });
    expect(matchRule([rule], instanceA, undefined)).toBe(rule);
  });
});

describe('checkCron', () => {
  it.each([
    '0 18 ? * MON-FRI *',
    '*/15 9-17 ? * 2-6 *',
    '0 0 1 * ? *',
    '0 12 L * ? 2027',
    '0 8 15W * ? *',
    '0 10 ? * 6#3 *',
    '0 10 ? * FRIL *',
    '5,35 14 ? JAN-MAR,DEC MON *',
  ])('accepts %s', (cron) => {
    expect(checkCron(cron)).toEqual({ ok: true, value: cron });
  });

  it.each([
    '0 18 * * MON-FRI *',
    '0 18 ? * ? *',
    '60 18 ? * MON-FRI *',
    '0 18 ? 13 MON *',
    '0 18 ? * FUN *',
    '0 18 ? * MON-FRI 1969',
    '0 18 32 * ? *',
    'rate(5 minutes)',
    '',
  ])('refuses %s', (cron) => {
    expect(checkCron(cron).ok).toBe(false);
  });
});

describe('checkTimeZone', () => {
  it.each(['America/New_York', 'UTC', 'Europe/Paris', 'Asia/Kolkata', 'Etc/GMT+5'])(
    'accepts %s',
    (zone) => {
      expect(checkTimeZone(zone).ok).toBe(true);
    },
  );

  it.each(['America/Gotham', '+05:00', 'EST5EDT ', '', 'new york'])('refuses "%s"', (zone) => {
    expect(checkTimeZone(zone).ok).toBe(false);
  });
});

describe('a sweep with rules', () => {
  const connect = mockClient(ConnectClient);
  const instanceId = 'c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f';
  const now = Date.parse('2026-11-22T12:00:00.000Z');

  /** The registry reads and writes one sweep makes, in memory. */
  function registryOf(entries: QueuedCallback[]): SweepRegistry & { intents: string[] } {
    const intents: string[] = [];
    return {
      intents,
      async *queuedBefore(id, cutoffMs, options) {
        const queues = options.queues ?? everyQueue;
        yield entries
          .filter(
            (e) => e.instanceId === id && e.queuedAtMs < cutoffMs && inQueueSet(queues, e.queueId),
          )
          .sort((a, b) => a.queuedAtMs - b.queuedAtMs);
      },
      recordStopIntent: async (callback) => {
        intents.push(callback.contactId);
        return 'written';
      },
      recordStopAttempt: async () => 'written',
      clearStopIntent: async () => 'written',
      recordSweeperEnd: async () => 'written',
      record: async () => 'written',
      requeue: async () => 'written',
      tracksQueued: async () => true,
      lookBackoff: async () => undefined,
      recordLookSkip: async () => 'written',
      clearLookBackoff: async () => 'written',
    };
  }

  const entry = (contactId: string, queueId: string, ageMs: number): QueuedCallback => ({
    contactId,
    instanceId,
    queueId,
    queuedAtMs: now - ageMs,
    lastEventAtMs: now - ageMs,
    lastEventRank: 1,
  });

  const queued = (id: string, queueId: string, ageMs: number): Contact => ({
    Id: id,
    Channel: 'VOICE',
    InitiationMethod: 'CALLBACK',
    QueueInfo: { Id: queueId, EnqueueTimestamp: new Date(now - ageMs) },
  });

  const rules = (input: unknown) => testRules(input, [instanceId]);

  const settings: SweepSettings = testSweepSettings([instanceId], {
    tagEndedContacts: false,
    policies: rules([
      { name: 'billing', queues: ['billing'], maxQueuedAge: '4h' },
      { name: 'claims', queues: ['claims'], maxQueuedAge: '3d' },
    ]),
  });

  function sweep(registry: SweepRegistry, overrides: Partial<SweepSettings> = {}) {
    const client = new ConnectClient({});
    return sweepStuckCallbacks(
      { connect: client, stopClient: client, registry, now: () => now, runId: 'run-1' },
      { ...settings, ...overrides },
      { concurrency: 2, pageSize: 10, timeLeftMs: () => 60_000, maxDecisionsInReport: 100 },
    );
  }

  beforeEach(() => {
    connect.reset();
    connect.on(StopContactCommand).resolves({});
    connect.on(TagContactCommand).resolves({});
    connect.on(GetContactMetricsCommand).resolves({
      MetricResults: [{ Name: 'POSITION_IN_QUEUE', Value: { Number: 1 } }],
    });
  });

  it("decides by the rule of the queue Connect shows, not the registry's", async () => {
    // The registry saw it queued in billing (4 h); Connect has it in claims (3 d) now.
    const registry = registryOf([entry('moved', 'billing', 5 * hour)]);
    connect.on(DescribeContactCommand).resolves({ Contact: queued('moved', 'claims', 5 * hour) });

    const report = await sweep(registry);

    expect(report.decisions).toEqual([
      expect.objectContaining({
        contactId: 'moved',
        queueId: 'claims',
        rule: 'claims',
        decision: 'skipped',
        reason: 'queued-recently',
      }),
    ]);
    expect(connect.commandCalls(StopContactCommand)).toEqual([]);
  });

  it('does not stop a callback that moved to another rule’s queue between the check and the last look', async () => {
    const registry = registryOf([entry('moving', 'billing', 5 * hour)]);
    connect
      .on(DescribeContactCommand)
      .resolvesOnce({ Contact: queued('moving', 'billing', 5 * hour) })
      .resolves({ Contact: queued('moving', 'claims', 5 * hour) });

    const report = await sweep(registry);

    expect(registry.intents).toEqual(['moving']);
    expect(connect.commandCalls(StopContactCommand)).toEqual([]);
    expect(report.decisions).toEqual([
      expect.objectContaining({ contactId: 'moving', rule: 'billing', decision: 'skipped' }),
    ]);
  });

  it('reads no instance no rule applies to', async () => {
    const registry = registryOf([entry('elsewhere', 'billing', 50 * hour)]);
    const report = await sweep(registry, {
      rules: rules([{ name: 'only-other', instance: instanceId, queues: ['x'] }]).map((r) => ({
        ...r,
        instanceId: 'another-instance',
      })),
    });

    expect(report.counts.candidates).toBe(0);
    expect(connect.calls()).toEqual([]);
  });

  it('ends a young duplicate only under a rule with keep-oldest', async () => {
    const registry = registryOf([
      entry('billing-first', 'billing', 1 * hour),
      entry('billing-second', 'billing', 0.5 * hour),
      entry('claims-first', 'claims', 1 * hour),
      entry('claims-second', 'claims', 0.5 * hour),
    ]);
    const sameCustomer = {
      CustomerEndpoint: { Type: 'TELEPHONE_NUMBER' as const, Address: '+15550100' },
    };
    connect.on(DescribeContactCommand).callsFake((input: { ContactId: string }) => {
      const [queue, order] = input.ContactId.split('-');
      const age = order === 'first' ? 1 * hour : 0.5 * hour;
      return { Contact: { ...queued(input.ContactId, queue as string, age), ...sameCustomer } };
    });
    const client = new ConnectClient({});
    const report = await sweepStuckCallbacks(
      {
        connect: client,
        stopClient: client,
        registry,
        now: () => now,
        hashPhoneNumber: (n) => `h${n}`,
      },
      {
        ...settings,
        rules: rules([
          {
            name: 'billing',
            queues: ['billing'],
            maxQueuedAge: '4h',
            duplicatesPolicy: 'keep-oldest',
          },
          { name: 'claims', queues: ['claims'], maxQueuedAge: '4h' },
        ]),
      },
      { concurrency: 1, pageSize: 10, timeLeftMs: () => 60_000, maxDecisionsInReport: 100 },
    );

    expect(report.decisions.map((d) => `${d.contactId} ${d.decision} ${d.reason}`).sort()).toEqual([
      'billing-first skipped queued-recently',
      'billing-second ended duplicate',
      'claims-first skipped queued-recently',
      'claims-second skipped queued-recently',
    ]);
  });
});
