import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  isScheduledEvent,
  sweepOverridesSchema,
  unconfiguredInstances,
} from '../../../../lambdas/core/callbacks/sweep-request.js';
import type { SweepSettings } from '../../../../lambdas/core/callbacks/sweeper-config.js';
import { parseWith } from '../../../../lambdas/core/schemas.js';

const configured: SweepSettings = {
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
};

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
    expect(applyOverrides(configured, { mode: 'end', maxStops: 3 })).toEqual({
      ...configured,
      mode: 'end',
      maxStops: 3,
    });
  });

  it.each([
    [{ mode: 'delete' }, 'mode', 'must be "report" or "end"'],
    [
      { maxQueuedAge: 'soon' },
      'maxQueuedAge',
      'must be a positive duration such as "2h", "90m" or "1d", got "soon"',
    ],
    [{ maxQueuedAge: 7200 }, 'maxQueuedAge', 'must be a duration such as "2h", "90m" or "1d"'],
    [{ maxQueuedAge: '1s', mode: 'end' }, 'maxQueuedAge', 'must be at least "5m"'],
    [{ maxQueuedAge: '4m' }, 'maxQueuedAge', 'must be at least "5m"'],
    [{ maxStops: -1 }, 'maxStops', 'must be 0 or more'],
    [{ maxStops: 1.5 }, 'maxStops', 'must be a whole number'],
    [{ instanceIds: [] }, 'instanceIds', 'must not be empty'],
    [{ queueDenyList: ['no such queue'] }, 'queueDenyList.0', 'must be a queue ID or queue ARN'],
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
