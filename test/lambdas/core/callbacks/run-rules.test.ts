import { describe, expect, it } from 'vitest';
import { InstanceRules, minAgeMs } from '../../../../lambdas/core/callbacks/run-rules.js';
import type { SweepSettings } from '../../../../lambdas/core/callbacks/sweeper-config.js';
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
});
