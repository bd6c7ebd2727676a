import { describe, expect, it } from 'vitest';
import { parseWith } from '../../../../lambdas/core/schemas.js';
import {
  rulesOf,
  type SweepSettings,
  withDefaultRule,
} from '../../../../lambdas/core/sweeper/config.js';
import {
  applyOverrides,
  isScheduledEvent,
  type SweepOverrides,
  sweepOverridesSchema,
  unconfiguredInstances,
  unknownPolicyNames,
} from '../../../../lambdas/core/sweeper/overrides.js';
import { parseSweepPolicies } from '../../../../lambdas/core/sweeper/rules.js';

const configured: SweepSettings = withDefaultRule({
  mode: 'report',
  instanceIds: ['instance-1'],
  maxQueuedAgeMs: 86_400_000,
  maxStops: 500,
  queueAllowList: [],
  queueDenyList: [],
  tagEndedContacts: true,
  discoverCallbacks: true,
  duplicatesPolicy: 'off',
  reconcile: true,
});

/** The settings of a manual run whose overrides the configuration accepts. */
function settingsWith(configured: SweepSettings, overrides: SweepOverrides): SweepSettings {
  const applied = applyOverrides(configured, overrides);
  if (!applied.ok) throw new Error(applied.errors.map(({ message }) => message).join('; '));
  return applied.settings;
}

describe('sweep overrides', () => {
  it('reads an emergency run: mode, age as a duration, a cap and instances', () => {
    const parsed = parseWith(sweepOverridesSchema, {
      mode: 'end',
      maxQueuedAge: '2h',
      maxStops: 10,
      instanceIds: ['arn:aws:connect:us-east-1:123456789012:instance/instance-1'],
    });

    expect(parsed).toEqual({
      ok: true,
      value: { mode: 'end', maxQueuedAgeMs: 7_200_000, maxStops: 10, instanceIds: ['instance-1'] },
    });
  });

  it('applies overrides over the configuration and leaves the rest', () => {
    expect(settingsWith(configured, { mode: 'end', maxStops: 3 })).toMatchObject({
      ...configured,
      mode: 'end',
      maxStops: 3,
      // Without policies, the one rule is the global settings' as overridden.
      rules: [{ ...configured.rules[0], mode: 'end' }],
    });
  });

  it('reads the tagging and discovery switches of a manual run', () => {
    const parsed = parseWith(sweepOverridesSchema, {
      tagEndedContacts: false,
      discoverCallbacks: false,
      queueDenyList: ['arn:aws:connect:us-east-1:123456789012:instance/instance-1/queue/q-9'],
    });

    expect(parsed).toEqual({
      ok: true,
      value: { tagEndedContacts: false, discoverCallbacks: false, queueDenyList: ['q-9'] },
    });
  });

  it.each([
    [{ mode: 'delete' }, 'mode', 'must be report or end, got "delete"'],
    [
      { maxQueuedAge: 'soon' },
      'maxQueuedAge',
      'must be a duration from 5m to 14d, written like "90s", "15m", "24h" or "7d", got "soon"',
    ],
    [{ maxQueuedAge: 7200 }, 'maxQueuedAge', 'must be a duration from 5m to 14d'],
    [{ maxQueuedAge: '1s', mode: 'end' }, 'maxQueuedAge', 'must be a duration from 5m'],
    [{ maxQueuedAge: '4m' }, 'maxQueuedAge', 'must be a duration from 5m'],
    [{ maxStops: -1 }, 'maxStops', 'must be an integer from 0 to 100000, got -1'],
    [{ maxStops: 1.5 }, 'maxStops', 'must be an integer from 0 to 100000'],
    [{ maxStops: '10' }, 'maxStops', 'must be an integer from 0 to 100000'],
    [{ tagEndedContacts: 'no' }, 'tagEndedContacts', 'must be true or false'],
    [{ instanceIds: [] }, 'instanceIds', 'must not be empty'],
    [
      { queueDenyList: ['no such queue'] },
      'queueDenyList',
      'must be a list of queue IDs or queue ARNs, got "no such queue"',
    ],
    [{ tagBeforeStop: true }, '(body)', 'has unknown field(s) tagBeforeStop'],
    [{ maxAge: '2h' }, '(body)', 'has unknown field(s) maxAge'],
    ['end', '(body)', 'must be a JSON object of overrides'],
  ])('refuses %o naming %s', (input, field, message) => {
    const parsed = parseWith(sweepOverridesSchema, input);

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.errors).toContainEqual({
      field,
      message: expect.stringContaining(message),
    });
  });

  it('recognises the scheduled EventBridge event', () => {
    expect(isScheduledEvent({ 'detail-type': 'Scheduled Event', source: 'aws.events' })).toBe(true);
    expect(isScheduledEvent({ mode: 'end' })).toBe(false);
  });

  it('names instances a manual run asks for that are not configured', () => {
    expect(
      unconfiguredInstances(configured, { instanceIds: ['instance-1', 'instance-9'] }),
    ).toEqual(['instance-9']);
  });
});

describe('sweep overrides with sweep policies', () => {
  const parsed = parseSweepPolicies(
    [
      {
        name: 'billing',
        queues: ['q-billing'],
        maxQueuedAge: '4h',
        mode: 'end',
        duplicatesPolicy: 'keep-oldest',
        schedules: [{ name: 'close', cron: '0 18 ? * MON-FRI *', timeZone: 'America/New_York' }],
      },
      { name: 'claims', instance: 'instance-2', queues: '*', maxQueuedAge: '3d' },
    ],
    {
      defaults: { maxQueuedAgeMs: 86_400_000, mode: 'report', duplicatesPolicy: 'off' },
      instanceIds: ['instance-1', 'instance-2'],
      source: 'test',
    },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const withPolicies: SweepSettings = {
    ...configured,
    instanceIds: ['instance-1', 'instance-2'],
    rules: parsed.rules,
    policies: true,
  };

  it('reads rule and schedule as fields of a manual run', () => {
    expect(parseWith(sweepOverridesSchema, { rule: 'billing', schedule: 'close' })).toEqual({
      ok: true,
      value: { rule: 'billing', schedule: 'close' },
    });
    expect(parseWith(sweepOverridesSchema, { rule: 'no spaces' }).ok).toBe(false);
  });

  it('lowers every rule to report with a mode override, and applies an age override to every rule', () => {
    const applied = settingsWith(withPolicies, { mode: 'report', maxQueuedAgeMs: 7_200_000 });
    expect(applied.rules.map((r) => [r.name, r.mode, r.maxQueuedAgeMs])).toEqual([
      ['billing', 'report', 7_200_000],
      ['claims', 'report', 7_200_000],
    ]);
  });

  it('never raises a report-mode rule to end with a mode override', () => {
    const applied = settingsWith(withPolicies, { mode: 'end' });
    expect(applied.rules.map((r) => [r.name, r.mode])).toEqual([
      ['billing', 'end'],
      ['claims', 'report'],
    ]);
  });

  it('lets a mode override set the mode of the one-rule default when no policies are configured', () => {
    expect(rulesOf(settingsWith(configured, { mode: 'end' })).map((r) => r.mode)).toEqual(['end']);
  });

  it('runs one rule among all of them, in order, and only its instance when it names one', () => {
    const applied = settingsWith(withPolicies, { rule: 'claims' });
    expect(applied.rules.map((r) => r.name)).toEqual(['billing', 'claims']);
    expect(applied.onlyRule).toBe('claims');
    expect(applied.instanceIds).toEqual(['instance-2']);
  });

  it("turns a schedule into its clear: the rule's queues, the clear's minimum age and mode, no duplicates policy, every other rule kept", () => {
    const applied = settingsWith(withPolicies, { rule: 'billing', schedule: 'close' });
    expect(applied.schedule).toBe('close');
    expect(applied.onlyRule).toBe('billing');
    expect(applied.rules).toEqual([
      {
        name: 'billing',
        queues: ['q-billing'],
        maxQueuedAgeMs: 0,
        mode: 'end',
        duplicatesPolicy: 'off',
        schedules: [],
      },
      withPolicies.rules[1],
    ]);
  });

  it('refuses a rule or schedule the policies do not have, naming it and the ones they have', () => {
    expect(applyOverrides(withPolicies, { schedule: 'clsoe' })).toEqual({
      ok: false,
      errors: [
        {
          field: 'schedule',
          message:
            'names "clsoe", which is not a scheduled clear of the sweep policies: the schedules are close',
        },
      ],
    });
    expect(applyOverrides(withPolicies, { rule: 'vip' })).toEqual({
      ok: false,
      errors: [
        {
          field: 'rule',
          message:
            'names "vip", which is not a rule of the sweep policies: the rules are billing, claims',
        },
      ],
    });
    expect(applyOverrides(configured, { schedule: 'close' })).toMatchObject({
      ok: false,
      errors: [{ field: 'schedule', message: expect.stringContaining('the schedules are none') }],
    });
  });

  it('names a rule or schedule the policies do not have, with the ones they have', () => {
    expect(unknownPolicyNames(withPolicies, { rule: 'vip', schedule: 'nightly' })).toEqual([
      {
        field: 'rule',
        message:
          'names "vip", which is not a rule of the sweep policies: the rules are billing, claims',
      },
      {
        field: 'schedule',
        message:
          'names "nightly", which is not a scheduled clear of the sweep policies: the schedules are close',
      },
    ]);
    expect(unknownPolicyNames(withPolicies, { rule: 'claims', schedule: 'close' })).toEqual([
      {
        field: 'schedule',
        message: 'names "close", a schedule of rule "billing", not of rule "claims"',
      },
    ]);
    expect(unknownPolicyNames(configured, { rule: 'default' })).toEqual([]);
  });
});
