import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { contextKeys, parseInstanceArn, readConfig } from '../../lib/config.js';
import { instanceArn } from './helpers.js';

/** Reads a config from a context map, as `app.node.tryGetContext` would. */
const configFrom = (context: Record<string, unknown>) =>
  readConfig((key) => context[key], Object.keys(context));

describe('readConfig', () => {
  it('defaults to an offline, report-only stack with every function and no Connect resources', () => {
    const config = configFrom({});
    expect(config.instance).toBeUndefined();
    expect(config.deploy).toEqual({
      endContactFunction: true,
      stopContactApi: true,
      callbackSweeper: true,
      connectIntegration: false,
      sampleFlow: false,
      flowModule: true,
      flowModuleExternalInvocation: false,
      dashboard: true,
    });
    expect(config.sweeper.mode).toBe('report');
    expect(config.logRetention).toBe(RetentionDays.ONE_MONTH);
    expect(config.local).toBe(false);
    expect(config.localConnectEndpoint).toBe('http://host.docker.internal:8017');
  });

  it('splits the instance ARN and associates the function with it by default', () => {
    const config = configFrom({ instanceArn });
    expect(config.instance).toEqual({
      arn: instanceArn,
      partition: 'aws',
      region: 'us-east-1',
      account: '123456789012',
      id: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
    });
    expect(config.deploy.connectIntegration).toBe(true);
  });

  it('reads -c strings and cdk.json JSON values alike', () => {
    const fromCli = configFrom({
      instanceArn,
      sampleFlow: 'true',
      maxStopsPerRun: '25',
      apiRateLimit: '2.5',
      logRetentionDays: '90',
      queueAllowList: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b, 1e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
    });
    const fromJson = configFrom({
      instanceArn,
      sampleFlow: true,
      maxStopsPerRun: 25,
      apiRateLimit: 2.5,
      logRetentionDays: 90,
      queueAllowList: [
        '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
        '1e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
      ],
    });
    expect(fromCli).toEqual(fromJson);
    expect(fromCli.sweeper.queueAllowList).toHaveLength(2);
    expect(fromCli.logRetention).toBe(RetentionDays.THREE_MONTHS);
  });

  it('accepts queue ARNs and a JSON array given with -c', () => {
    const queueArn = `${instanceArn}/queue/1e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b`;
    const config = configFrom({ queueDenyList: JSON.stringify([queueArn]) });
    expect(config.sweeper.queueDenyList).toEqual([queueArn]);
  });

  it('leaves Connect out in local mode and points the SDK at the local Amazon Connect', () => {
    const config = configFrom({
      local: 'true',
      instanceArn,
      localConnectEndpoint: 'http://172.17.0.1:8017',
    });
    expect(config.local).toBe(true);
    expect(config.deploy.connectIntegration).toBe(false);
    expect(config.localConnectEndpoint).toBe('http://172.17.0.1:8017');
  });

  it("leaves the HTTP API out in local mode unless asked, as LocalStack's free plan lacks HTTP APIs", () => {
    expect(configFrom({ local: true }).deploy.stopContactApi).toBe(false);
    expect(configFrom({ local: true, stopContactApi: 'true' }).deploy.stopContactApi).toBe(true);
  });

  it('parses every documented duration unit for maxQueuedAge', () => {
    expect(configFrom({ maxQueuedAge: '90m' }).sweeper.maxQueuedAge).toBe(90 * 60_000);
    expect(configFrom({ maxQueuedAge: '7d' }).sweeper.maxQueuedAge).toBe(7 * 86_400_000);
  });

  it('accepts rate and cron schedules', () => {
    expect(configFrom({ schedule: 'rate(1 hour)' }).sweeper.schedule).toBe('rate(1 hour)');
    expect(configFrom({ schedule: 'cron(0/10 * * * ? *)' }).sweeper.schedule).toBe(
      'cron(0/10 * * * ? *)',
    );
  });

  // Each bad value fails synth with a lowercase message that names the key and the fix.
  it.each([
    [
      'instanceArn',
      {
        instanceArn:
          'arn:aws:connect:us-east-1:12345:instance/0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
      },
      /instance ARN.*copy it from the Amazon Connect console/,
    ],
    ['instanceArn', { instanceArn: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b' }, /instance ARN/],
    ['endContactFunction', { endContactFunction: 'yes' }, /true or false, got "yes"/],
    ['stopContactApi', { stopContactApi: 1 }, /true or false/],
    ['callbackSweeper', { callbackSweeper: 'no' }, /true or false/],
    [
      'connectIntegration',
      { connectIntegration: true },
      /false without instanceArn.*set -c instanceArn/,
    ],
    ['connectIntegration', { instanceArn, local: true, connectIntegration: true }, /local mode/],
    ['sampleFlow', { sampleFlow: true }, /sampleFlow must be false unless/],
    ['flowModule', { instanceArn, flowModule: 'sometimes' }, /flowModule must be true or false/],
    [
      'flowModuleExternalInvocation',
      { instanceArn, flowModule: false, flowModuleExternalInvocation: true },
      /flowModuleExternalInvocation must be false unless the flow module is deployed/,
    ],
    ['sampleFlow', { instanceArn, local: true, sampleFlow: true }, /local mode/],
    [
      'sampleFlow',
      { instanceArn, connectIntegration: false, sampleFlow: true },
      /keep connectIntegration/,
    ],
    ['requireSecurityUser', { requireSecurityUser: 'maybe' }, /true or false/],
    ['requiredPermission', { requiredPermission: 'stop contact' }, /permission name/],
    ['securityUserCacheTtlSeconds', { securityUserCacheTtlSeconds: 0 }, /integer from 1 to 3600/],
    ['logRetentionDays', { logRetentionDays: 31 }, /one of 1, 3, 5, 7, 14, 30/],
    ['logRetentionDays', { logRetentionDays: 'month' }, /integer/],
    ['alarmEmail', { alarmEmail: 'ops' }, /an email address/],
    ['apiRateLimit', { apiRateLimit: -1 }, /number from 0.1 to 10000/],
    ['apiBurstLimit', { apiBurstLimit: 2.5 }, /integer from 1 to 5000/],
    ['sweepMode', { sweepMode: 'delete' }, /report or end, got "delete"/],
    ['sweepMode', { sweepMode: 'end' }, /report without instanceArn.*set -c instanceArn/],
    ['maxQueuedAge', { maxQueuedAge: '1 day' }, /duration from 5m to 14d/],
    ['maxQueuedAge', { maxQueuedAge: '30d' }, /duration from 5m to 14d/],
    ['maxStopsPerRun', { maxStopsPerRun: -1 }, /integer from 0 to 100000, got -1/],
    ['stopRatePerSecond', { stopRatePerSecond: 'fast' }, /number from 0.1 to 1000/],
    ['describeRatePerSecond', { describeRatePerSecond: 1001 }, /number from 0.1 to 1000/],
    ['tagRatePerSecond', { tagRatePerSecond: 0 }, /number from 0.1 to 1000/],
    [
      'getContactMetricsRatePerSecond',
      { getContactMetricsRatePerSecond: 'x' },
      /number from 0.1 to 1000/,
    ],
    ['searchContactsRatePerSecond', { searchContactsRatePerSecond: 0.01 }, /from 0.05 to 1000/],
    ['tagEndedContacts', { tagEndedContacts: 'sometimes' }, /true or false/],
    ['discoverCallbacks', { discoverCallbacks: 'no' }, /true or false/],
    [
      'queueAllowList',
      { queueAllowList: 'support queue' },
      /queue IDs or queue ARNs, got "support queue"/,
    ],
    ['queueDenyList', { queueDenyList: '[not json' }, /queue IDs or queue ARNs, got "\[not json"/],
    ['schedule', { schedule: 'every 15 minutes' }, /EventBridge schedule/],
    ['schedule', { schedule: 'rate(1 minutes)' }, /EventBridge schedule/],
    ['duplicatesPolicy', { duplicatesPolicy: 'keep-newest' }, /off or keep-oldest/],
    ['phoneHashSalt', { phoneHashSalt: 'short' }, /at least 16 characters, got 5/],
    [
      'phoneHashSalt',
      { duplicatesPolicy: 'keep-oldest' },
      /set \(at least 16 characters\) when duplicatesPolicy is keep-oldest/,
    ],
    ['reconcile', { reconcile: 'sometimes' }, /true or false/],
    ['reconcileQueueIds', { reconcileQueueIds: 'queue one' }, /queue IDs or queue ARNs/],
    ['metricDataRatePerSecond', { metricDataRatePerSecond: 0 }, /number from 0.1 to 1000/],
    ['sweeperReservedConcurrency', { sweeperReservedConcurrency: 0 }, /true or false/],
    ['local', { local: 'on' }, /true or false/],
    [
      'localConnectEndpoint',
      { local: true, localConnectEndpoint: 'host.docker.internal:8017' },
      /http\(s\) URL/,
    ],
  ])('fails on a bad %s, naming it and the fix', (key, context, detail) => {
    expect(() => configFrom(context)).toThrow(new RegExp(`^(.*\\n)*context key ${key} must be `));
    expect(() => configFrom(context)).toThrow(detail);
  });

  it('reads the duplicates policy, its salt and the reconciliation settings', () => {
    const queueArn = `${instanceArn}/queue/1e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b`;
    const { sweeper } = configFrom({
      duplicatesPolicy: 'keep-oldest',
      phoneHashSalt: 'a-salt-of-sixteen+',
      reconcile: 'false',
      reconcileQueueIds: queueArn,
      metricDataRatePerSecond: '0.5',
      searchContactsRatePerSecond: '0.1',
      sweeperReservedConcurrency: 'false',
    });
    expect(sweeper).toMatchObject({
      duplicatesPolicy: 'keep-oldest',
      phoneHashSalt: 'a-salt-of-sixteen+',
      reconcile: false,
      reconcileQueueIds: [queueArn],
      metricDataRatePerSecond: 0.5,
      searchContactsRatePerSecond: 0.1,
      reserveConcurrency: false,
    });
  });

  it('defaults to no duplicates policy, reconciliation on, and a reserved sweeper', () => {
    const { sweeper } = configFrom({ phoneHashSalt: 'unused-salt-0123456789' });
    expect(sweeper).toMatchObject({
      duplicatesPolicy: 'off',
      reconcile: true,
      reconcileQueueIds: [],
      describeRatePerSecond: 5,
      stopRatePerSecond: 2,
      tagRatePerSecond: 2,
      metricDataRatePerSecond: 2,
      getContactMetricsRatePerSecond: 2,
      searchContactsRatePerSecond: 0.5,
      tagEndedContacts: true,
      discoverCallbacks: true,
      maxStopsPerRun: 50,
      maxQueuedAge: 86_400_000,
      reserveConcurrency: true,
    });
    // Only keep-oldest uses the salt, so it reaches no function otherwise.
    expect(sweeper.phoneHashSalt).toBeUndefined();
  });

  it('never repeats the salt in an error', () => {
    let message = '';
    try {
      configFrom({ phoneHashSalt: 'secret-ish' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      'context key phoneHashSalt must be a random string of at least 16 characters, got 10 characters: set -c phoneHashSalt=$(openssl rand -hex 16) or fix it in cdk.json',
    );
    expect(message).not.toContain('secret-ish');
  });

  it('fails when nothing would be deployed', () => {
    expect(() =>
      configFrom({ endContactFunction: false, stopContactApi: false, callbackSweeper: false }),
    ).toThrow(/nothing to deploy: set at least one to true/);
  });

  it('fails on a misspelt key, suggesting the right one', () => {
    expect(() => configFrom({ instanceARN: instanceArn })).toThrow(
      /context key instanceARN is not one this app reads: did you mean instanceArn\?/,
    );
  });

  it("ignores CDK's own context keys", () => {
    expect(() =>
      configFrom({ '@aws-cdk/aws-iam:minimizePolicies': true, 'aws:cdk:bundling-stacks': [] }),
    ).not.toThrow();
  });

  it('reports every bad key at once, one per line, each starting lowercase', () => {
    let message = '';
    try {
      configFrom({ sweepMode: 'x', maxStopsPerRun: 'y' });
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^[a-z]/);
  });

  it('reads exactly the context keys of the settings table', () => {
    const read = new Set<string>();
    readConfig((key) => {
      read.add(key);
      return undefined;
    });
    expect([...read].sort()).toEqual([...contextKeys].sort());
  });

  it('refuses the replaced tagBeforeStop key, naming its successor', () => {
    expect(() => configFrom({ tagBeforeStop: false })).toThrow(
      'context key tagBeforeStop is not one this app reads: it was replaced by tagEndedContacts',
    );
  });
});

describe('parseInstanceArn', () => {
  it('accepts other partitions', () => {
    expect(
      parseInstanceArn(
        'arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
      )?.partition,
    ).toBe('aws-us-gov');
  });

  it('rejects a queue ARN', () => {
    expect(
      parseInstanceArn(`${instanceArn}/queue/0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b`),
    ).toBeUndefined();
  });
});

describe('readConfig with sweep policies', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sweep-policies-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const rules = [
    { name: 'billing', queues: ['q-billing'], maxQueuedAge: '4h', mode: 'end' },
    { name: 'rest', queues: '*' },
  ];

  it('reads the rules from context as JSON text or as cdk.json JSON, defaults from the global settings', () => {
    const fromCli = configFrom({
      instanceArn,
      sweepPolicies: JSON.stringify(rules),
      maxQueuedAge: '2d',
    });
    const fromJson = configFrom({ instanceArn, sweepPolicies: rules, maxQueuedAge: '2d' });
    expect(fromCli.sweeper.policies).toEqual(fromJson.sweeper.policies);
    expect(fromJson.sweeper.policies?.map((r) => [r.name, r.mode, r.maxQueuedAgeMs])).toEqual([
      ['billing', 'end', 4 * 3_600_000],
      ['rest', 'report', 48 * 3_600_000],
    ]);
  });

  it('reads them from the JSON file sweepPoliciesFile names', () => {
    const file = join(folder, 'policies.json');
    writeFileSync(file, JSON.stringify(rules));
    expect(configFrom({ instanceArn, sweepPoliciesFile: file }).sweeper.policies).toEqual(
      configFrom({ instanceArn, sweepPolicies: rules }).sweeper.policies,
    );
  });

  it('names the file in its errors', () => {
    const file = join(folder, 'bad.json');
    writeFileSync(file, JSON.stringify([{ name: 'b', queues: '*', mode: 'delete' }]));
    expect(() => configFrom({ instanceArn, sweepPoliciesFile: file })).toThrow(
      `sweep policies file ${file}: rule 1 ("b"), field mode must be report or end, got "delete"`,
    );
    expect(() =>
      configFrom({ instanceArn, sweepPoliciesFile: join(folder, 'missing.json') }),
    ).toThrow(
      /context key sweepPoliciesFile names .*missing\.json, which cannot be read \(ENOENT\)/,
    );
  });

  it('refuses both keys at once, and a keep-oldest rule without a salt', () => {
    expect(() =>
      configFrom({ instanceArn, sweepPolicies: rules, sweepPoliciesFile: 'policies.json' }),
    ).toThrow('context keys sweepPolicies and sweepPoliciesFile are both set: keep one of them');
    expect(() =>
      configFrom({
        instanceArn,
        sweepPolicies: [{ name: 'dup', queues: '*', duplicatesPolicy: 'keep-oldest' }],
      }),
    ).toThrow(/a rule with duplicatesPolicy keep-oldest needs context key phoneHashSalt/);
    expect(
      configFrom({
        instanceArn,
        phoneHashSalt: '0123456789abcdef',
        sweepPolicies: [{ name: 'dup', queues: '*', duplicatesPolicy: 'keep-oldest' }],
      }).sweeper.phoneHashSalt,
    ).toBe('0123456789abcdef');
  });

  it("accepts a rule's instance only when it is the deployment's", () => {
    const id = instanceArn.split('/')[1];
    expect(
      configFrom({ instanceArn, sweepPolicies: [{ instance: id, queues: '*' }] }).sweeper
        .policies?.[0]?.instanceId,
    ).toBe(id);
    expect(() => configFrom({ sweepPolicies: [{ instance: id, queues: '*' }] })).toThrow(
      `context key sweepPolicies: rule 1, field instance names ${id}, which is not one of the deployment's instances (none: set instanceArn)`,
    );
  });
});
