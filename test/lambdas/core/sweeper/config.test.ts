import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../lambdas/core/errors.js';
import { readSweeperConfig, sweepOptions } from '../../../../lambdas/core/sweeper/config.js';

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
      maxStops: 50,
      queueAllowList: [],
      queueDenyList: [],
      tagEndedContacts: true,
      discoverCallbacks: true,
      duplicatesPolicy: 'off',
      reconcile: true,
      rules: [
        {
          name: 'default',
          queues: '*',
          maxQueuedAgeMs: 24 * 3_600_000,
          mode: 'report',
          duplicatesPolicy: 'off',
          schedules: [],
        },
      ],
      policies: false,
    });
    expect(config.ratesPerSecond).toEqual({
      DescribeContact: 5,
      StopContact: 2,
      TagContact: 2,
      GetCurrentMetricData: 2,
      GetContactMetrics: 2,
      SearchContacts: 0.5,
    });
    expect(config.values.callbackTableName).toBe('callbacks');
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
    [{ SWEEP_MODE: 'delete' }, 'SWEEP_MODE must be report or end, got "delete"'],
    [{ MAX_QUEUED_AGE: 'a day' }, 'MAX_QUEUED_AGE must be a duration from 5m to 14d'],
    [{ MAX_QUEUED_AGE: '4m' }, 'MAX_QUEUED_AGE must be a duration from 5m to 14d'],
    [{ MAX_QUEUED_AGE: '15d' }, 'MAX_QUEUED_AGE must be a duration from 5m to 14d'],
    [{ MAX_STOPS_PER_RUN: '100001' }, 'MAX_STOPS_PER_RUN must be an integer from 0 to 100000'],
    [{ STOP_CONTACT_RPS: '0' }, 'STOP_CONTACT_RPS must be a number from 0.1 to 1000, got "0"'],
    [{ SEARCH_CONTACTS_RPS: '0.01' }, 'SEARCH_CONTACTS_RPS must be a number from 0.05 to 1000'],
    [
      { QUEUE_ALLOW_LIST: 'q-1,not a queue!' },
      'QUEUE_ALLOW_LIST must be a list of queue IDs or queue ARNs, got "not a queue!"',
    ],
    [{ TAG_ENDED_CONTACTS: 'maybe' }, 'TAG_ENDED_CONTACTS must be true or false'],
    [{ DISCOVER_CALLBACKS: 'yes' }, 'DISCOVER_CALLBACKS must be true or false'],
    [{ DUPLICATES_POLICY: 'keep-oldest' }, 'PHONE_HASH_SALT must be set'],
    [{ DUPLICATES_POLICY: 'keep-newest' }, 'DUPLICATES_POLICY must be off or keep-oldest'],
    [
      { DUPLICATES_POLICY: 'keep-oldest', PHONE_HASH_SALT: 'short-salt' },
      'PHONE_HASH_SALT must be a random string of at least 16 characters, got 10 characters',
    ],
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

  it('reads the settings the sweeper rewrite wires: discovery, tagging and the new rates', () => {
    const config = readSweeperConfig({
      ...required,
      DISCOVER_CALLBACKS: 'false',
      TAG_ENDED_CONTACTS: 'false',
      GET_CONTACT_METRICS_RPS: '3',
      SEARCH_CONTACTS_RPS: '0.1',
    });

    expect(config.settings).toMatchObject({ discoverCallbacks: false, tagEndedContacts: false });
    expect(config.ratesPerSecond).toMatchObject({ GetContactMetrics: 3, SearchContacts: 0.1 });
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

describe('readSweeperConfig with SWEEP_POLICIES', () => {
  it('reads the rules, filling what a rule leaves out from the global settings', () => {
    const config = readSweeperConfig({
      ...required,
      SWEEP_MODE: 'end',
      SWEEP_POLICIES: '[{"name":"billing","queues":["q-1"],"maxQueuedAge":"4h"}]',
    });
    expect(config.settings.policies).toBe(true);
    expect(config.settings.rules).toEqual([
      {
        name: 'billing',
        queues: ['q-1'],
        maxQueuedAgeMs: 4 * 3_600_000,
        mode: 'end',
        duplicatesPolicy: 'off',
        schedules: [],
      },
    ]);
  });

  it('fails the cold start with the rule and field named', () => {
    expect(() =>
      readSweeperConfig({
        ...required,
        SWEEP_POLICIES: '[{"name":"b","queues":"*","maxQueuedAge":"1y"}]',
      }),
    ).toThrow(
      new ConfigurationError(
        'environment variable SWEEP_POLICIES: rule 1 ("b"), field maxQueuedAge must be a duration from 5m to 14d, written like "30m", "4h" or "3d", got "1y"',
      ),
    );
  });

  it('makes the global settings one rule when the variable is blank: the one-rule default', () => {
    const { settings } = readSweeperConfig({
      ...required,
      SWEEP_POLICIES: ' ',
      SWEEP_MODE: 'end',
      MAX_QUEUED_AGE: '2h',
    });

    expect(settings.policies).toBe(false);
    expect(settings.rules).toEqual([
      {
        name: 'default',
        queues: '*',
        maxQueuedAgeMs: 2 * 3_600_000,
        mode: 'end',
        duplicatesPolicy: 'off',
        schedules: [],
      },
    ]);
  });
});
