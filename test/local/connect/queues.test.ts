import {
  DescribeInstanceCommand,
  DescribeQueueCommand,
  ListQueuesCommand,
  paginateListQueues,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_IDS,
  demoScenario,
  type LocalConnect,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { connectClient, connectError } from './support.js';

describe('queue and instance names', () => {
  let connect: LocalConnect;
  let client: ReturnType<typeof connectClient>;
  const InstanceId = DEMO_IDS.instanceId;

  beforeAll(async () => {
    connect = await startLocalConnect({ scenario: demoScenario(), quotas: false });
    client = connectClient(connect);
  });
  afterAll(async () => {
    await connect.close();
  });

  it("DescribeInstance answers the instance's alias", async () => {
    const { Instance } = await client.send(new DescribeInstanceCommand({ InstanceId }));

    expect(Instance).toMatchObject({
      Id: InstanceId,
      InstanceAlias: 'demo-contact-center',
      InstanceStatus: 'ACTIVE',
    });
  });

  it("DescribeQueue answers the queue's name, ID and ARN", async () => {
    const { Queue } = await client.send(
      new DescribeQueueCommand({ InstanceId, QueueId: DEMO_IDS.queues.billing }),
    );

    expect(Queue).toMatchObject({
      Name: 'Billing',
      QueueId: DEMO_IDS.queues.billing,
      QueueArn: `arn:aws:connect:us-east-1:123456789012:instance/${InstanceId}/queue/${DEMO_IDS.queues.billing}`,
      Status: 'ENABLED',
    });
  });

  it('DescribeQueue answers ResourceNotFoundException for a queue the instance lacks', async () => {
    await expect(
      client.send(new DescribeQueueCommand({ InstanceId, QueueId: 'no-such-queue' })),
    ).rejects.toMatchObject(connectError('ResourceNotFoundException', 404, /no-such-queue/));
  });

  it("ListQueues lists the instance's standard queues by name, a page at a time", async () => {
    const names: string[] = [];
    for await (const page of paginateListQueues(
      { client, pageSize: 2 },
      { InstanceId, QueueTypes: ['STANDARD'] },
    )) {
      names.push(...(page.QueueSummaryList ?? []).map((q) => `${q.Name}/${q.QueueType}`));
    }

    expect(names).toEqual(['General/STANDARD', 'Billing/STANDARD', 'TechSupport/STANDARD']);
  });

  it('ListQueues finds no agent queues, which the emulator does not model', async () => {
    const { QueueSummaryList } = await client.send(
      new ListQueuesCommand({ InstanceId, QueueTypes: ['AGENT'] }),
    );

    expect(QueueSummaryList).toEqual([]);
  });
});
