import { describe, expect, it } from 'vitest';
import {
  readSweeperConfig,
  sweepOptions,
} from '../../../../lambdas/core/callbacks/sweeper-config.js';
import { ConfigurationError } from '../../../../lambdas/core/errors.js';

const instanceId = 'c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f';
const instanceArn = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;
const required = { CONNECT_INSTANCE_IDS: instanceId, CALLBACK_TABLE_NAME: 'callbacks' };

describe('readSweeperConfig', () => {
  it('defaults to report mode, a 24 h maximum age and rates below the Connect quotas', () => {
    const config = readSweeperConfig(required);

    expect(config.settings).toEqual({
      mode: 'report',
      instanceIds: [instanceId],
      maxQueuedAgeMs: 24 * 3_600_000,
      maxStops: 500,
      queueAllowList: [],
      queueDenyList: [],
      tagEndedContacts: true,
      discoverCallbacks: true,
      duplicatesPolicy: 'off',
      reconcile: true,
    });
    expect(config.ratesPerSecond).toEqual({
      DescribeContact: 8,
      StopContact: 8,
      TagContact: 4,
      GetCurrentMetricData: 4,
      GetContactMetrics: 2,
      SearchContacts: 0.5,
    });
    expect(config.tableName).toBe('callbacks');
    expect(config.phoneHashSalt).toBe(undefined);
  });

  it('accepts instance and queue ARNs and keeps their IDs, once each', () => {
    const config = readSweeperConfig({
      ...required,
      CONNECT_INSTANCE_IDS: `${instanceArn}, ${instanceId}`,
      QUEUE_DENY_LIST: `${instanceArn}/queue/queue-1,queue-2`,
    });

    expect(config.settings.instanceIds).toEqual([instanceId]);
    expect(config.settings.queueDenyList).toEqual(['queue-1', 'queue-2']);
  });

  it.each([
    [{ CONNECT_INSTANCE_IDS: '' }, 'CONNECT_INSTANCE_IDS is required'],
    [{ CONNECT_INSTANCE_IDS: 'arn:aws:s3:::bucket' }, 'CONNECT_INSTANCE_IDS'],
    [
      {
        CONNECT_INSTANCE_IDS: instanceArn.replace('us-east-1', 'eu-west-2'),
        AWS_REGION: 'us-east-1',
      },
      "is in Region eu-west-2, not this function's Region us-east-1",
    ],
    [{ CALLBACK_TABLE_NAME: '' }, 'CALLBACK_TABLE_NAME is required'],
    [{ SWEEP_MODE: 'delete' }, 'SWEEP_MODE must be one of report, end, got "delete"'],
    [{ MAX_QUEUED_AGE: 'a day' }, 'MAX_QUEUED_AGE must be a positive duration'],
    [{ STOP_CONTACT_RPS: '0' }, 'STOP_CONTACT_RPS must be a number from 0.1'],
    [{ QUEUE_ALLOW_LIST: 'not a queue!' }, 'QUEUE_ALLOW_LIST: "not a queue!" is not a queue ID'],
    [{ DUPLICATES_POLICY: 'keep-oldest' }, 'PHONE_HASH_SALT must be set'],
    [{ DUPLICATES_POLICY: 'keep-newest' }, 'DUPLICATES_POLICY must be one of off, keep-oldest'],
  ])('fails fast naming the variable for %o', (env, message) => {
    expect(() => readSweeperConfig({ ...required, ...env })).toThrow(ConfigurationError);
    expect(() => readSweeperConfig({ ...required, ...env })).toThrow(message);
  });

  it('reads the salt only when the duplicates policy needs it', () => {
    const salt = 'a-salt-of-16-characters';

    expect(
      readSweeperConfig({ ...required, DUPLICATES_POLICY: 'keep-oldest', PHONE_HASH_SALT: salt })
        .phoneHashSalt,
    ).toBe(salt);
    expect(readSweeperConfig({ ...required, PHONE_HASH_SALT: salt }).phoneHashSalt).toBe(undefined);
  });

  it('reads the GetContactMetrics and SearchContacts rates, and whether to search for untracked callbacks', () => {
    const config = readSweeperConfig({
      ...required,
      GET_CONTACT_METRICS_RPS: '1.5',
      SEARCH_CONTACTS_RPS: '0.2',
      DISCOVER_CALLBACKS: 'false',
    });

    expect(config.ratesPerSecond).toMatchObject({ GetContactMetrics: 1.5, SearchContacts: 0.2 });
    expect(config.settings.discoverCallbacks).toBe(false);
  });
});

describe('sweepOptions', () => {
  it('gives every door the same sweep options from the configuration, with its own clock', () => {
    const config = readSweeperConfig({ ...required, SWEEP_CONCURRENCY: '3' });
    const timeLeftMs = () => 42;
    const abortSignal = new AbortController().signal;

    expect(sweepOptions(config, { timeLeftMs, abortSignal })).toEqual({
      concurrency: 3,
      pageSize: 100,
      timeLeftMs,
      abortSignal,
      maxDecisionsInReport: 500,
      reconcileQueueIds: [],
      reconcileToleranceMs: 120_000,
    });
    expect(sweepOptions(config, { timeLeftMs })).not.toHaveProperty('abortSignal');
  });
});
