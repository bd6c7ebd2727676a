/**
 * The names an operator reads: DescribeInstance (the instance's alias), DescribeQueue and ListQueues
 * (a queue's name), with the members and bindings of Connect's API reference
 * (https://docs.aws.amazon.com/connect/latest/APIReference/API_DescribeInstance.html,
 * API_DescribeQueue.html, API_ListQueues.html). The emulator's queues are all STANDARD queues.
 */
import { invalidParameter, resourceNotFound } from '../errors.js';
import type { Queue } from '../types.js';
import {
  decodePageToken,
  findInstanceOrThrow,
  INSTANCE_ID,
  NEXT_TOKEN,
  type OperationHandler,
  page,
  RESOURCE_ID,
} from './context.js';
import { RequestInput } from './input.js';

/** API_ListQueues: "The default MaxResult size is 100", valid range 1 to 1000. */
const DEFAULT_QUEUES_PAGE_SIZE = 100;
const QUEUE_TYPES = ['STANDARD', 'AGENT'] as const;

export const describeInstance: OperationHandler = (context, request) => {
  const path = new RequestInput(request.params);
  const record = findInstanceOrThrow(context, path.requiredString('InstanceId', INSTANCE_ID));
  const { instance } = record;
  return {
    Instance: {
      Id: instance.id,
      Arn: instance.arn,
      IdentityManagementType: 'CONNECT_MANAGED',
      InstanceAlias: instance.alias,
      InstanceStatus: 'ACTIVE',
      InboundCallsEnabled: true,
      OutboundCallsEnabled: true,
      InstanceAccessUrl: `https://${instance.alias}.my.connect.aws`,
      Tags: {},
    },
  };
};

export const describeQueue: OperationHandler = (context, request) => {
  const path = new RequestInput(request.params);
  const instanceId = path.requiredString('InstanceId', INSTANCE_ID);
  const queueId = path.requiredString('QueueId', RESOURCE_ID);
  const record = findInstanceOrThrow(context, instanceId);
  const queue = record.queues.get(queueId);
  if (!queue)
    throw resourceNotFound(`Queue ${queueId} not found in instance ${record.instance.id}.`);
  return {
    Queue: {
      Name: queue.name,
      QueueArn: queue.arn,
      QueueId: queue.id,
      Status: 'ENABLED',
      Tags: {},
      LastModifiedRegion: context.state.region,
    },
  };
};

export const listQueues: OperationHandler = (context, request) => {
  const path = new RequestInput(request.params);
  const instanceId = path.requiredString('InstanceId', INSTANCE_ID);
  const query = new RequestInput(Object.fromEntries(request.query));
  const maxResults =
    query.optionalInteger('maxResults', { min: 1, max: 1000 }) ?? DEFAULT_QUEUES_PAGE_SIZE;
  const offset = decodePageToken('ListQueues', query.optionalString('nextToken', NEXT_TOKEN));
  const types = request.query.getAll('queueTypes');
  const unknown = types.find((t) => !(QUEUE_TYPES as readonly string[]).includes(t));
  if (unknown !== undefined) {
    throw invalidParameter(
      `Value '${unknown}' at 'queueTypes' failed to satisfy constraint: Member must satisfy enum value set: [${QUEUE_TYPES.join(', ')}]`,
    );
  }
  const record = findInstanceOrThrow(context, instanceId);
  // Every emulated queue is STANDARD; asking only for AGENT queues finds none.
  const queues =
    types.length === 0 || types.includes('STANDARD') ? [...record.queues.values()] : [];
  const result = page('ListQueues', queues, offset, maxResults);
  return {
    QueueSummaryList: result.items.map((queue) => toQueueSummary(queue, context.state.region)),
    ...(result.nextToken ? { NextToken: result.nextToken } : {}),
  };
};

function toQueueSummary(queue: Queue, region: string): Record<string, unknown> {
  return {
    Id: queue.id,
    Arn: queue.arn,
    Name: queue.name,
    QueueType: 'STANDARD',
    LastModifiedRegion: region,
  };
}
