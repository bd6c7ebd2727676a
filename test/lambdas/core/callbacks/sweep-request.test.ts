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
    expect(applyOverrides(configured, { mode: 'end', maxStops: 3 })).toMatchObject({
      ...configured,
      mode: 'end',
      maxStops: 3,
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
