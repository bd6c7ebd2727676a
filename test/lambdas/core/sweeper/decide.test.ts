import type { Contact } from '@aws-sdk/client-connect';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { inQueueSet, type QueuedCallback } from '../../../../lambdas/core/registry/registry.js';
import type { SweepSettings } from '../../../../lambdas/core/sweeper/config.js';
import {
  assessCallback,
  beforeLook,
  DuplicateKeepers,
  decide,
  InstanceRules,
  minAgeMs,
  positionInQueue,
  type RunTerms,
} from '../../../../lambdas/core/sweeper/decide.js';
import type { QueueLists, SweepRule } from '../../../../lambdas/core/sweeper/model.js';
import { createPhoneHasher } from '../../../../lambdas/core/sweeper/phone-hash.js';
import { hour, testRules, testSweepSettings } from '../../../support/sweep-settings.js';

const now = Date.parse('2026-11-22T12:00:00.000Z');
function settingsWith(rules: unknown[], onlyRule?: string): SweepSettings {
  return testSweepSettings(['instance-1'], {
    maxStops: 10,
    policies: testRules(rules, ['instance-1']),
    ...(onlyRule ? { onlyRule } : {}),
  });
}

const policies = [
  { name: 'vip', queues: ['q-vip'], maxQueuedAge: '1h', mode: 'report' },
  { name: 'all', queues: ['q-vip', 'q-general'], maxQueuedAge: '4h', duplicatesPolicy: 'off' },
];

describe('InstanceRules', () => {
  it('gives each callback its first match, with the cutoff of its rule', () => {
    const rules = new InstanceRules(settingsWith(policies), 'instance-1', now, false);

    expect(rules.match('instance-1', 'q-vip')).toMatchObject({
      kind: 'acting',
      rule: { name: 'vip' },
      cutoffMs: now - hour,
    });
    expect(rules.match('instance-1', 'q-general')).toMatchObject({
      kind: 'acting',
      rule: { name: 'all' },
    });
    expect(rules.match('instance-1', 'q-other')).toEqual({ kind: 'none' });
    expect(rules.readBeforeMs).toBe(now - hour);
  });

  it('keeps first match in a run of one rule: an earlier rule still decides its queues, and sets no cutoff', () => {
    const settings = settingsWith(policies, 'all');
    const rules = new InstanceRules(settings, 'instance-1', now, false);

    expect(rules.match('instance-1', 'q-vip')).toMatchObject({
      kind: 'other',
      rule: { name: 'vip' },
    });
    expect(rules.match('instance-1', 'q-general')).toMatchObject({
      kind: 'acting',
      cutoffMs: now - 4 * hour,
    });
    // The index is read as far as the acting rule's age, not the earlier rule's younger one.
    expect(rules.readBeforeMs).toBe(now - 4 * hour);
    expect(minAgeMs(settings)).toBe(4 * hour);
  });

  it("lets any age qualify for an operator's selection, under the acting rules only", () => {
    const rules = new InstanceRules(settingsWith(policies, 'all'), 'instance-1', now, true);

    expect(rules.match('instance-1', 'q-general')).toMatchObject({
      kind: 'acting',
      cutoffMs: Number.MAX_SAFE_INTEGER,
    });
    expect(rules.match('instance-1', 'q-vip').kind).toBe('other');
  });

  it('is idle in an instance where no acting rule applies', () => {
    const settings = settingsWith([{ name: 'one', instance: 'instance-1', queues: '*' }]);

    expect(new InstanceRules(settings, 'instance-2', now, false).idle).toBe(true);
  });

  it('shares the index among the acting rules by first match, then what none of them claims', () => {
    const rules = new InstanceRules(
      settingsWith([
        { name: 'vip', queues: ['q-vip'], maxQueuedAge: '1h' },
        { name: 'general', queues: ['q-vip', 'q-general'], maxQueuedAge: '4h' },
        { name: 'rest', queues: '*', maxQueuedAge: '1d' },
      ]),
      'instance-1',
      now,
      false,
    );

    expect(rules.shares).toEqual([
      { only: ['q-vip'] },
      { only: ['q-general'] },
      { except: ['q-vip', 'q-general'] },
    ]);
  });

  it('leaves a rule that does not act in the share of what no acting rule claims', () => {
    const rules = new InstanceRules(
      settingsWith(
        [
          { name: 'vip', queues: ['q-vip'], maxQueuedAge: '1h' },
          { name: 'general', queues: ['q-general'], maxQueuedAge: '4h' },
          { name: 'rest', queues: '*', maxQueuedAge: '1d' },
        ],
        'general',
      ),
      'instance-1',
      now,
      false,
    );

    expect(rules.shares).toEqual([{ except: [] }]);
  });

  it('reads the queues no rule names as a share of their own, after the rules', () => {
    const rules = new InstanceRules(
      settingsWith([
        { name: 'vip', queues: ['q-vip'], maxQueuedAge: '1h' },
        { name: 'claims', queues: ['q-claims'], maxQueuedAge: '1d', mode: 'report' },
        { name: 'general', queues: ['q-general'], maxQueuedAge: '4h' },
      ]),
      'instance-1',
      now,
      false,
    );

    expect(rules.shares).toEqual([
      { only: ['q-vip'] },
      { only: ['q-claims'] },
      { only: ['q-general'] },
      { except: ['q-vip', 'q-claims', 'q-general'] },
    ]);
  });

  it('puts every queue in exactly one share, the share of the acting rule that matches it first', () => {
    const queueIds = ['q-1', 'q-2', 'q-3', 'q-4'];
    const rule = fc.record({
      queues: fc.oneof(fc.constant('*' as const), fc.subarray(queueIds, { minLength: 1 })),
      instance: fc.constantFrom(undefined, 'instance-1', 'instance-2'),
    });
    const runs = fc.record({
      rules: fc.array(rule, { minLength: 1, maxLength: 5 }),
      onlyRule: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(runs, ({ rules: generated, onlyRule }) => {
        // Built directly, not parsed: shadowed and overlapping rules too.
        const policies = generated.map(
          (r, i): SweepRule => ({
            name: `rule-${i}`,
            ...(r.instance ? { instanceId: r.instance } : {}),
            queues: r.queues,
            maxQueuedAgeMs: (i + 1) * hour,
            mode: 'end',
            duplicatesPolicy: 'off',
            schedules: [],
          }),
        );
        const only = onlyRule === undefined ? undefined : policies[onlyRule]?.name;
        const settings = testSweepSettings(['instance-1', 'instance-2'], {
          policies,
          ...(only ? { onlyRule: only } : {}),
        });
        const rules = new InstanceRules(settings, 'instance-1', now, false);
        if (rules.idle) return;
        const { shares } = rules;
        const everyQueueId = [...queueIds, 'q-unnamed', undefined];
        const actingRuleOf = (queueId: string | undefined) => {
          const match = rules.match('instance-1', queueId);
          return match.kind === 'acting' ? match.rule : undefined;
        };
        for (const queueId of everyQueueId) {
          const holding = shares.filter((share) => inQueueSet(share, queueId));
          expect(holding).toHaveLength(1);
          const rule = actingRuleOf(queueId);
          if (shares.length === 1 || !rule) continue;
          // Its share holds exactly the queues its acting rule matches first.
          const share = holding[0] as (typeof shares)[number];
          for (const other of everyQueueId) {
            expect(inQueueSet(share, other)).toBe(actingRuleOf(other) === rule);
          }
        }
      }),
      { seed: 20261204, numRuns: 300 },
    );
  });
});

const policy = { cutoffMs: now - 24 * hour, queueAllowList: [], queueDenyList: [] };

function queued(overrides: Partial<Contact> = {}, enqueuedAtMs = now - 30 * hour): Contact {
  return {
    Id: 'c-1',
    Channel: 'VOICE',
    InitiationMethod: 'CALLBACK',
    QueueInfo: { Id: 'queue-a', EnqueueTimestamp: new Date(enqueuedAtMs) },
    CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: '+15550100' },
    ...overrides,
  };
}

describe('assessCallback', () => {
  it('calls a callback waiting in its queue past the cutoff stuck', () => {
    expect(assessCallback(queued(), policy)).toEqual({
      verdict: 'stuck',
      queueId: 'queue-a',
      enqueuedAtMs: now - 30 * hour,
    });
  });

  it.each([
    [
      'connected to an agent',
      { AgentInfo: { ConnectedToAgentTimestamp: new Date(now) } },
      'connected-to-agent',
    ],
    [
      'with its customer connected',
      { ConnectedToSystemTimestamp: new Date(now) },
      'customer-connected',
    ],
    [
      'accepted by an agent, dialling',
      { AgentInfo: { AcceptedByAgentTimestamp: new Date(now) } },
      'accepted-by-agent',
    ],
    ['assigned to an agent', { AgentInfo: { Id: 'agent-1' } }, 'offered-to-agent'],
    ['ringing at an agent', { RingStartTimestamp: new Date(now) }, 'offered-to-agent'],
    [
      'previewed by an agent',
      { AgentInfo: { PreviewEndTimestamp: new Date(now) } },
      'offered-to-agent',
    ],
    [
      'in after contact work',
      { AgentInfo: { AfterContactWorkStartTimestamp: new Date(now) } },
      'offered-to-agent',
    ],
    [
      'with agent state transitions',
      { AgentInfo: { StateTransitions: [{ State: 'CONNECTED' as const }] } },
      'offered-to-agent',
    ],
  ])('never calls a callback %s stuck', (_name, change, reason) => {
    expect(assessCallback(queued(change as Partial<Contact>), policy)).toMatchObject({
      verdict: 'with-agent',
      reason,
    });
  });

  it('calls a disconnected contact disconnected, whatever else it carries', () => {
    const contact = queued({ DisconnectTimestamp: new Date(now - hour), AgentInfo: { Id: 'a' } });
    expect(assessCallback(contact, policy)).toEqual({ verdict: 'disconnected', atMs: now - hour });
  });

  it('calls a callback with no enqueue time not queued', () => {
    expect(assessCallback(queued({ QueueInfo: { Id: 'queue-a' } }), policy).verdict).toBe(
      'not-queued',
    );
  });

  it("treats a customer first callback's queued leg as a callback, and never its dialled leg", () => {
    const queuedLeg = queued({
      InitiationMethod: 'CALLBACK_CUSTOMER_FIRST_QUEUED' as Contact['InitiationMethod'],
    });
    const dialledLeg = queued({
      InitiationMethod: 'CALLBACK_CUSTOMER_FIRST_DIALED' as Contact['InitiationMethod'],
    });

    expect(assessCallback(queuedLeg, policy).verdict).toBe('stuck');
    expect(assessCallback(dialledLeg, policy).verdict).toBe('not-callback');
  });

  it('calls a callback enqueued exactly at the cutoff recent, and one before it stuck', () => {
    expect(assessCallback(queued({}, now - 24 * hour), policy).verdict).toBe('recent');
    expect(assessCallback(queued({}, now - 24 * hour - 1), policy).verdict).toBe('stuck');
  });

  it('lets the deny list win over the allow list', () => {
    const lists = { ...policy, queueAllowList: ['queue-a'], queueDenyList: ['queue-a'] };
    expect(assessCallback(queued(), lists)).toMatchObject({
      verdict: 'out-of-scope',
      reason: 'queue-denied',
    });
  });
});

describe('positionInQueue', () => {
  it('reads a position of 1 or more as proof of waiting in queue', () => {
    expect(positionInQueue([{ Name: 'POSITION_IN_QUEUE', Value: { Number: 3 } }])).toBe(3);
  });

  it('reads no metric, no value or a position below 1 as no proof', () => {
    expect(positionInQueue(undefined)).toBeUndefined();
    expect(positionInQueue([])).toBeUndefined();
    expect(positionInQueue([{ Name: 'POSITION_IN_QUEUE' }])).toBeUndefined();
    expect(positionInQueue([{ Name: 'POSITION_IN_QUEUE', Value: { Number: 0 } }])).toBeUndefined();
    expect(
      positionInQueue([{ Name: 'ESTIMATED_WAIT_TIME', Value: { Number: 9 } }]),
    ).toBeUndefined();
  });
});

describe('DuplicateKeepers', () => {
  it('keeps the first callback per queue and number and names it as the keeper of a later one', () => {
    const keepers = new DuplicateKeepers(createPhoneHasher('a-salt-of-16-characters'));
    const first = queued({ Id: 'first' });
    const second = queued({
      Id: 'second',
      CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: '+1 555 0100' },
    });

    expect(keepers.keeperOf(first, { queueId: 'queue-a', enqueuedAtMs: 1 })).toBeUndefined();
    expect(keepers.keeperOf(second, { queueId: 'queue-a', enqueuedAtMs: 2 })).toBe('first');
    expect(keepers.keeperOf(second, { queueId: 'queue-b', enqueuedAtMs: 2 })).toBeUndefined();
  });
});

/** A registry entry of instance-1, queued `ageMs` ago in `queueId`. */
function entry(queueId: string, ageMs: number): QueuedCallback {
  return {
    contactId: 'c-1',
    instanceId: 'instance-1',
    queueId,
    queuedAtMs: now - ageMs,
    lastEventAtMs: now - ageMs,
    lastEventRank: 1,
  };
}

/** DescribeContact's answer for a callback waiting in `queueId` since `ageMs` ago. */
function waitingIn(queueId: string, ageMs: number): Contact {
  return {
    Id: 'c-1',
    Channel: 'VOICE',
    InitiationMethod: 'CALLBACK',
    QueueInfo: { Id: queueId, EnqueueTimestamp: new Date(now - ageMs) },
  };
}

const endRun: RunTerms = {
  mode: 'end',
  queueAllowList: [],
  queueDenyList: [],
  policies: true,
  selection: false,
  schedule: false,
  operatorRun: false,
};

/** The decision on `contact`, read from the registry as `callback`, under `rulesInput`. */
function decideOn(
  callback: QueuedCallback,
  contact: Contact,
  rulesInput: unknown[] = policies,
  terms: Partial<RunTerms> = {},
) {
  const rules = new InstanceRules(settingsWith(rulesInput), 'instance-1', now, false);
  const readMatch = rules.match('instance-1', callback.queueId);
  return decide({ callback, contact, readMatch, rules, terms: { ...endRun, ...terms } });
}

describe('beforeLook', () => {
  const rules = new InstanceRules(settingsWith(policies, 'all'), 'instance-1', now, false);
  const read = (
    callback: QueuedCallback,
    lists: QueueLists = { queueAllowList: [], queueDenyList: [] },
  ) => beforeLook(callback, rules.match('instance-1', callback.queueId), lists);

  it('leaves a callback in a denied queue alone before its rule is read, with no rule named', () => {
    expect(
      read(entry('q-general', 5 * hour), { queueAllowList: [], queueDenyList: ['q-general'] }),
    ).toEqual({
      reason: 'queue-denied',
    });
  });

  it('leaves alone a callback no rule matches, and one an earlier rule of a one-rule run matches', () => {
    expect(read(entry('q-other', 5 * hour))).toEqual({ reason: 'no-rule' });
    expect(read(entry('q-vip', 5 * hour))).toMatchObject({
      reason: 'other-rule',
      rule: { name: 'vip' },
    });
  });

  it("leaves alone a callback younger than its rule's age by the registry's time, and looks at an older one", () => {
    expect(read(entry('q-general', 3 * hour))).toMatchObject({
      reason: 'queued-recently',
      rule: { name: 'all' },
    });
    expect(read(entry('q-general', 5 * hour))).toBeUndefined();
  });
});

describe('decide', () => {
  it("ends a callback waiting past its rule's age, and keeps the last look to the queue its rule matched", () => {
    const decision = decideOn(entry('q-general', 5 * hour), waitingIn('q-general', 5 * hour));

    expect(decision.verdict).toEqual({
      kind: 'end',
      target: {
        queueAllowList: ['q-general'],
        queueDenyList: [],
        reason: 'queued-too-long',
        cutoffMs: now - 4 * hour,
      },
    });
    expect(decision).toMatchObject({ rule: { name: 'all' }, queueId: 'q-general' });
    expect(decision.seenQueued).toEqual({ queueId: 'q-general', atMs: now - 5 * hour });
  });

  it("matches the rule once when Connect shows the registry's queue", () => {
    const rules = new InstanceRules(settingsWith(policies), 'instance-1', now, false);
    const callback = entry('q-general', 5 * hour);
    const readMatch = rules.match('instance-1', callback.queueId);
    const match = vi.spyOn(rules, 'match');

    decide({
      callback,
      contact: waitingIn('q-general', 5 * hour),
      readMatch,
      rules,
      terms: endRun,
    });

    expect(match).not.toHaveBeenCalled();
  });

  it('decides by the rule of the queue Connect shows when the callback moved', () => {
    const decision = decideOn(entry('q-general', 5 * hour), waitingIn('q-vip', 5 * hour));

    expect(decision.verdict).toEqual({ kind: 'would-end', reason: 'queued-too-long' });
    expect(decision).toMatchObject({ rule: { name: 'vip' }, queueId: 'q-vip' });
  });

  it("lists a callback as one it would end in a report run, and skips one a report-mode rule decides in an operator's run", () => {
    const callback = entry('q-general', 5 * hour);
    const contact = waitingIn('q-general', 5 * hour);

    expect(decideOn(callback, contact, policies, { mode: 'report' }).verdict).toEqual({
      kind: 'would-end',
      reason: 'queued-too-long',
    });
    expect(
      decideOn(entry('q-vip', 2 * hour), waitingIn('q-vip', 2 * hour), policies, {
        operatorRun: true,
      }).verdict,
    ).toEqual({ kind: 'skip', reason: 'report-rule' });
  });

  it("names an operator's selection and a scheduled clear as the reason", () => {
    const callback = entry('q-general', 5 * hour);
    const contact = waitingIn('q-general', 5 * hour);

    expect(decideOn(callback, contact, policies, { selection: true }).verdict).toMatchObject({
      target: { reason: 'selected' },
    });
    expect(decideOn(callback, contact, policies, { schedule: true }).verdict).toMatchObject({
      target: { reason: 'scheduled-clear' },
    });
  });

  it('leaves a young callback alone, and moves its entry up when Connect re-queued it later', () => {
    const decision = decideOn(entry('q-general', 3 * hour), waitingIn('q-general', 2 * hour));

    expect(decision.verdict).toEqual({ kind: 'skip', reason: 'queued-recently' });
    expect(decision.requeueAtMs).toBe(now - 2 * hour);
    expect(
      decideOn(entry('q-general', 3 * hour), waitingIn('q-general', 2 * hour), policies, {
        mode: 'report',
      }).requeueAtMs,
    ).toBeUndefined();
  });

  it('hands a callback with an agent on it to the end of the run to record, whatever its rule', () => {
    const contact = { ...waitingIn('q-general', 5 * hour), AgentInfo: { Id: 'agent-1' } };

    expect(decideOn(entry('q-general', 5 * hour), contact).verdict).toEqual({
      kind: 'left',
      assessment: { verdict: 'with-agent', reason: 'offered-to-agent' },
    });
  });
});
