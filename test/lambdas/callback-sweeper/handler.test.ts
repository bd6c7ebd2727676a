import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  ConnectClient,
  DescribeContactCommand,
  GetContactMetricsCommand,
  GetCurrentMetricDataCommand,
  StopContactCommand,
  TagContactCommand,
} from '@aws-sdk/client-connect';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { instanceId, lambdaContext } from '../../fixtures/index.js';

const savedEnv = vi.hoisted(() => {
  const settings = {
    CALLBACK_TABLE_NAME: 'callbacks',
    CONNECT_INSTANCE_IDS: 'c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f',
    RECONCILE_QUEUE_IDS: 'queue-a',
    DISCOVER_CALLBACKS: 'false',
    // This file checks the EMF output and the report log line, so both are on here.
    POWERTOOLS_METRICS_DISABLED: 'false',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
  const saved = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]));
  Object.assign(process.env, settings);
  return saved;
});

const { handler } = await import('../../../lambdas/callback-sweeper/handler.js');
const connect = mockClient(ConnectClient);
const dynamo = mockClient(DynamoDBDocumentClient);

afterAll(() => {
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const scheduledEvent = {
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-22T12:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/callback-sweeper'],
  detail: {},
};
const enqueuedAt = new Date(Date.now() - 30 * 3_600_000);

/**
 * The queued index as DynamoDB answers a rule's share of it: the items in the queues the share's
 * filter lists (`#queueId IN (:q0, …)`), or in none of them (`NOT (…)`), or all without a filter.
 */
function queuedIndex<Item extends { queueId: string }>(items: Item[]) {
  return (input: {
    FilterExpression?: string;
    ExpressionAttributeValues?: Record<string, unknown>;
  }) => {
    if (!input.FilterExpression) return { Items: items };
    const listed = new Set(
      Object.entries(input.ExpressionAttributeValues ?? {})
        .filter(([name]) => /^:q\d+$/.test(name))
        .map(([, value]) => value),
    );
    const outside = input.FilterExpression.startsWith('(attribute_not_exists');
    return { Items: items.filter((item) => listed.has(item.queueId) !== outside) };
  };
}

describe('callback-sweeper handler', () => {
  let stdout: string[];

  beforeEach(() => {
    connect.reset();
    dynamo.reset();
    stdout = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout.push(String(chunk));
      return true;
    });
    dynamo.on(QueryCommand).callsFake(
      queuedIndex([
        {
          contactId: 'stuck-1',
          queuedInstanceId: instanceId,
          queueId: 'queue-a',
          queuedAt: enqueuedAt.getTime(),
          lastEventAt: enqueuedAt.getTime(),
          lastEventRank: 1,
        },
      ]),
    );
    dynamo.on(UpdateCommand).resolves({});
    connect.on(DescribeContactCommand).resolves({
      Contact: {
        Id: 'stuck-1',
        InitiationMethod: 'CALLBACK',
        Channel: 'VOICE',
        QueueInfo: { Id: 'queue-a', EnqueueTimestamp: enqueuedAt },
      },
    });
    connect.on(GetCurrentMetricDataCommand).resolves({ MetricResults: [] });
    connect.on(GetContactMetricsCommand).resolves({
      MetricResults: [{ Name: 'POSITION_IN_QUEUE', Value: { Number: 1 } }],
    });
    connect.on(StopContactCommand).resolves({});
    connect.on(TagContactCommand).resolves({});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('runs with the configuration on the schedule: report mode, nothing changed', async () => {
    const result = await handler(scheduledEvent, lambdaContext(60_000));

    expect(result).toMatchObject({
      mode: 'report',
      complete: true,
      counts: { candidates: 1, verified: 1, wouldEnd: 1, ended: 0 },
      decisions: [{ contactId: 'stuck-1', decision: 'would-end', reason: 'queued-too-long' }],
    });
    expect(connect).not.toHaveReceivedCommand(StopContactCommand);
    expect(connect).not.toHaveReceivedCommand(TagContactCommand);
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('ends stuck callbacks on a manual run that asks for mode end', async () => {
    const result = await handler({ mode: 'end', maxQueuedAge: '2h' }, lambdaContext(60_000));

    expect(result).toMatchObject({ mode: 'end', counts: { ended: 1 } });
    expect(connect).toHaveReceivedCommandWith(StopContactCommand, {
      InstanceId: instanceId,
      ContactId: 'stuck-1',
    });
  });

  it('stops taking candidates when the time budget runs out, and leaves the rest for the next run', async () => {
    const items = ['stuck-1', 'stuck-2', 'stuck-3'].map((contactId, i) => ({
      contactId,
      queuedInstanceId: instanceId,
      queueId: 'queue-a',
      queuedAt: enqueuedAt.getTime() + i,
      lastEventAt: enqueuedAt.getTime() + i,
      lastEventRank: 1,
    }));
    dynamo.on(QueryCommand).callsFake(queuedIndex(items));
    connect.on(DescribeContactCommand).callsFake((input: { ContactId: string }) => ({
      Contact: {
        Id: input.ContactId,
        InitiationMethod: 'CALLBACK',
        Channel: 'VOICE',
        QueueInfo: { Id: 'queue-a', EnqueueTimestamp: enqueuedAt },
      },
    }));
    // A minute left until the first candidate is looked at (its back-off read, then its check),
    // then only the 10 s margin.
    const context = lambdaContext(60_000);
    context.getRemainingTimeInMillis = () =>
      dynamo.commandCalls(GetCommand).length +
        connect.commandCalls(DescribeContactCommand).length ===
      0
        ? 60_000
        : 10_000;

    const result = await handler({ mode: 'end', maxQueuedAge: '2h' }, context);

    expect(result).toMatchObject({
      complete: false,
      stoppedEarly: 'time-budget',
      counts: { candidates: 3, verified: 1, ended: 1, skipped: { 'time-budget': 2 } },
    });
    // The candidate's check and its last look; the others are not asked about.
    expect(connect).toHaveReceivedCommandTimes(DescribeContactCommand, 2);
    expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
    // Only the ended callback is written (its intent, then its end): the others stay queued.
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 2);
    expect(connect).not.toHaveReceivedCommand(GetCurrentMetricDataCommand);
  });

  it('refuses a manual run with a bad override, naming the field, and calls nothing', async () => {
    const result = await handler({ mode: 'end', maxQueuedAge: 'forever' }, lambdaContext());

    expect(result).toEqual({
      error: 'InvalidSweepRequest',
      message:
        'maxQueuedAge must be a duration from 5m to 14d, written like "90s", "15m", "24h" or "7d", got "forever"',
      errors: [
        {
          field: 'maxQueuedAge',
          message:
            'must be a duration from 5m to 14d, written like "90s", "15m", "24h" or "7d", got "forever"',
        },
      ],
    });
    expect(connect).not.toHaveReceivedAnyCommand();
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('refuses a bad run without Powertools warnings about empty metrics or reserved keys', async () => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });

    await handler({ maxStops: -1 }, lambdaContext());

    const output = [...stdout, ...stderr].join('');
    expect(output).toContain('sweep request refused');
    expect(output).not.toContain('No application metrics to publish');
    expect(output).not.toContain('reserved key');
  });

  it('refuses a manual run for an instance that is not configured', async () => {
    const result = await handler({ instanceIds: ['another-instance'] }, lambdaContext());

    expect(result).toMatchObject({
      error: 'InvalidSweepRequest',
      errors: [{ field: 'instanceIds', message: expect.stringContaining('another-instance') }],
    });
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('publishes the run as CloudWatch metrics in the AmazonConnectEndContact namespace', async () => {
    await handler(scheduledEvent, lambdaContext(60_000));

    const emf = stdout
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"CloudWatchMetrics"'))
      .map((line) => JSON.parse(line));
    expect(emf).toHaveLength(1);
    expect(emf[0]._aws.CloudWatchMetrics[0].Namespace).toBe('AmazonConnectEndContact');
    expect(emf[0]).toMatchObject({ Candidates: 1, WouldEnd: 1, Ended: 0, UnexplainedQueues: 0 });
  });

  it('publishes per-rule metrics beside the run totals when it follows sweep policies', async () => {
    const { createSweeperHandler } = await import(
      '../../../lambdas/callback-sweeper/callback-sweeper.js'
    );
    const { readSweeperConfig } = await import('../../../lambdas/core/sweeper/config.js');
    const config = readSweeperConfig({
      CONNECT_INSTANCE_IDS: instanceId,
      CALLBACK_TABLE_NAME: 'callbacks',
      DISCOVER_CALLBACKS: 'false',
      RECONCILE: 'false',
      SWEEP_POLICIES: JSON.stringify([
        { name: 'queue-a', queues: ['queue-a'], maxQueuedAge: '4h' },
        { name: 'others', queues: '*', maxQueuedAge: '3d' },
      ]),
    });
    const client = new ConnectClient({});
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { CallbackRegistry } = await import('../../../lambdas/core/registry/registry.js');
    const withRules = createSweeperHandler({
      config,
      deps: {
        connect: client,
        stopClient: client,
        registry: new CallbackRegistry(
          DynamoDBDocumentClient.from(new DynamoDBClient({})),
          'callbacks',
        ),
      },
      metrics: new Metrics({
        namespace: 'AmazonConnectEndContact',
        serviceName: 'callback-sweeper',
      }),
    });

    await withRules(scheduledEvent, lambdaContext(60_000));

    const emf = stdout
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"CloudWatchMetrics"'))
      .map((line) => JSON.parse(line));
    expect(emf.map((record) => record._aws.CloudWatchMetrics[0].Dimensions[0].sort())).toEqual([
      ['mode', 'service'],
      ['mode', 'rule', 'service'],
      ['mode', 'rule', 'service'],
    ]);
    expect(emf[1]).toMatchObject({ rule: 'queue-a', mode: 'report', Candidates: 1, WouldEnd: 1 });
    expect(emf[2]).toMatchObject({ rule: 'others', Candidates: 0, WouldEnd: 0 });
  });

  it('logs the report with contact IDs and no customer number', async () => {
    connect.on(DescribeContactCommand).resolves({
      Contact: {
        Id: 'stuck-1',
        InitiationMethod: 'CALLBACK',
        QueueInfo: { Id: 'queue-a', EnqueueTimestamp: enqueuedAt },
        CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: '+15550100' },
        Attributes: { secret: 'account 1234' },
      },
    });

    await handler(scheduledEvent, lambdaContext(60_000));

    const output = stdout.join('');
    expect(output).toContain('stuck-1');
    expect(output).not.toContain('5550100');
    expect(output).not.toContain('account 1234');
  });

  it('refuses to sweep an instance ARN of another account, failing the invocation', async () => {
    const { createSweeperHandler } = await import(
      '../../../lambdas/callback-sweeper/callback-sweeper.js'
    );
    const { readSweeperConfig } = await import('../../../lambdas/core/sweeper/config.js');
    const foreign = `arn:aws:connect:us-east-1:210987654321:instance/${instanceId}`;
    const config = readSweeperConfig({
      CONNECT_INSTANCE_IDS: foreign,
      CALLBACK_TABLE_NAME: 'callbacks',
      AWS_REGION: 'us-east-1',
    });
    const client = new ConnectClient({});
    const foreignHandler = createSweeperHandler({
      config,
      deps: { connect: client, stopClient: client, registry: {} as never },
      metrics: new Metrics({ namespace: 'test', serviceName: 'callback-sweeper' }),
    });

    await expect(foreignHandler(scheduledEvent, lambdaContext(60_000))).rejects.toThrow(
      /CONNECT_INSTANCE_IDS: ".*" is in account 210987654321, not this function's account 123456789012/,
    );
    expect(connect).not.toHaveReceivedAnyCommand();
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });
  it('finding 4: refuses instance and queue ARNs of another account or Region in a manual run, naming each field', async () => {
    const result = await handler(
      {
        mode: 'end',
        instanceIds: [`arn:aws:connect:us-east-1:210987654321:instance/${instanceId}`],
        queueAllowList: [
          `arn:aws:connect:eu-west-2:123456789012:instance/${instanceId}/queue/queue-a`,
        ],
      },
      lambdaContext(60_000),
    );

    expect(result).toMatchObject({
      error: 'InvalidSweepRequest',
      errors: [
        { field: 'instanceIds', message: expect.stringMatching(/is in account 210987654321/) },
        { field: 'queueAllowList', message: expect.stringMatching(/is in Region eu-west-2/) },
      ],
    });
    expect(connect).not.toHaveReceivedAnyCommand();
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it.each([
    [
      'instance',
      { instance: `arn:aws:connect:us-east-1:210987654321:instance/${instanceId}`, queues: '*' },
    ],
    [
      'queues',
      { queues: [`arn:aws:connect:us-east-1:210987654321:instance/${instanceId}/queue/queue-a`] },
    ],
  ])(
    'finding 4: refuses a rule whose %s names another account, failing the invocation',
    async (field, rule) => {
      const { createSweeperHandler } = await import(
        '../../../lambdas/callback-sweeper/callback-sweeper.js'
      );
      const { readSweeperConfig } = await import('../../../lambdas/core/sweeper/config.js');
      const config = readSweeperConfig({
        CONNECT_INSTANCE_IDS: instanceId,
        CALLBACK_TABLE_NAME: 'callbacks',
        AWS_REGION: 'us-east-1',
        SWEEP_POLICIES: JSON.stringify([{ name: 'foreign', ...rule }]),
      });
      const client = new ConnectClient({});
      const foreignHandler = createSweeperHandler({
        config,
        deps: { connect: client, stopClient: client, registry: {} as never },
        metrics: new Metrics({ namespace: 'test', serviceName: 'callback-sweeper' }),
      });

      await expect(foreignHandler(scheduledEvent, lambdaContext(60_000))).rejects.toThrow(
        new RegExp(
          `SWEEP_POLICIES: rule 1 \\("foreign"\\), field ${field}: ".*" is in account 210987654321`,
        ),
      );
      expect(connect).not.toHaveReceivedAnyCommand();
    },
  );

  it('finding 4: refuses a rule whose queue ARN is of another Region when the settings are read', async () => {
    const { readSweeperConfig } = await import('../../../lambdas/core/sweeper/config.js');
    const queue = `arn:aws:connect:eu-west-2:123456789012:instance/${instanceId}/queue/queue-a`;

    expect(() =>
      readSweeperConfig({
        CONNECT_INSTANCE_IDS: instanceId,
        CALLBACK_TABLE_NAME: 'callbacks',
        AWS_REGION: 'us-east-1',
        SWEEP_POLICIES: JSON.stringify([{ name: 'elsewhere', queues: [queue] }]),
      }),
    ).toThrow(/SWEEP_POLICIES: rule 1 \("elsewhere"\), field queues: ".*" is in Region eu-west-2/);
  });
});
