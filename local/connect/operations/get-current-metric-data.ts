import { isInQueue } from '../contacts.js';
import { invalidParameter } from '../errors.js';
import { epochSeconds } from '../protocol.js';
import type { InstanceRecord } from '../state.js';
import { CHANNELS, type Channel, type Contact, type Queue } from '../types.js';
import {
  decodePageToken,
  findInstanceOrThrow,
  INSTANCE_ID,
  NEXT_TOKEN,
  type OperationHandler,
  page,
} from './context.js';
import { RequestInput } from './input.js';

const GROUPINGS = [
  'QUEUE',
  'CHANNEL',
  'ROUTING_PROFILE',
  'ROUTING_STEP_EXPRESSION',
  'AGENT_STATUS',
  'SUBTYPE',
  'VALIDATION_TEST_TYPE',
] as const;
const SUPPORTED_GROUPINGS = new Set(['QUEUE', 'CHANNEL']);
const SUPPORTED_FILTERS = new Set(['Queues', 'Channels']);

/** The metrics the emulator computes, with the one unit Connect accepts for each. */
const METRIC_UNITS = { CONTACTS_IN_QUEUE: 'COUNT', OLDEST_CONTACT_AGE: 'SECONDS' } as const;
type MetricName = keyof typeof METRIC_UNITS;

export const getCurrentMetricData: OperationHandler = (context, request) => {
  const path = new RequestInput(request.params);
  const instanceId = path.requiredString('InstanceId', INSTANCE_ID);
  const input = new RequestInput(request.body);
  const filters = input.requiredObject('Filters');
  const rawFilters = request.body.Filters as Record<string, unknown>;
  const unsupportedFilters = Object.keys(rawFilters).filter((key) => !SUPPORTED_FILTERS.has(key));
  if (unsupportedFilters.length > 0) {
    throw invalidParameter(
      `local Amazon Connect does not support Filters.${unsupportedFilters.join(', Filters.')}; filter by Queues and Channels.`,
    );
  }
  const queueRefs = filters.optionalStringList('Queues', {
    minItems: 1,
    maxItems: 100,
    item: { min: 1, max: 500 },
  });
  if (!queueRefs) throw input.violation('Filters.Queues', null, 'Member must not be null');
  const channels = (filters.optionalStringList('Channels', { maxItems: 4, allowed: CHANNELS }) ??
    CHANNELS) as readonly Channel[];
  const metrics = readMetrics(input);
  const groupings =
    input.optionalStringList('Groupings', { maxItems: 2, allowed: GROUPINGS }) ?? [];
  const unsupportedGroupings = groupings.filter((g) => !SUPPORTED_GROUPINGS.has(g));
  if (unsupportedGroupings.length > 0) {
    throw invalidParameter(
      `local Amazon Connect does not support grouping by ${unsupportedGroupings.join(', ')}; group by QUEUE and/or CHANNEL.`,
    );
  }
  if (input.has('SortCriteria')) {
    throw invalidParameter(
      'local Amazon Connect does not support SortCriteria on GetCurrentMetricData.',
    );
  }
  const maxResults = input.optionalInteger('MaxResults', { min: 1, max: 100 }) ?? 100;
  const offset = decodePageToken(
    'GetCurrentMetricData',
    input.optionalString('NextToken', NEXT_TOKEN),
  );

  const record = findInstanceOrThrow(context, instanceId);
  const queues = queueRefs.map((ref) => resolveQueue(record, ref));
  const nowMs = context.clock.now();
  const byQueue = groupings.includes('QUEUE');
  const byChannel = groupings.includes('CHANNEL');
  const waiting = [...record.contacts.values()].filter(
    (contact) => isInQueue(contact) && channels.includes(contact.channel),
  );

  const groups: { dimensions: Record<string, unknown>; contacts: Contact[] }[] = [];
  for (const queueGroup of byQueue ? queues.map((q) => [q]) : [queues]) {
    for (const channelGroup of byChannel ? channels.map((c) => [c]) : [channels]) {
      const contacts = waiting.filter(
        (c) => queueGroup.some((q) => q.id === c.queueId) && channelGroup.includes(c.channel),
      );
      // Connect returns no result for a group with no data; callers treat a missing group as zero.
      if (contacts.length === 0) continue;
      const dimensions: Record<string, unknown> = {};
      const [queue] = queueGroup;
      if (byQueue && queue) dimensions.Queue = { Id: queue.id, Arn: queue.arn };
      if (byChannel) dimensions.Channel = channelGroup[0];
      groups.push({ dimensions, contacts });
    }
  }

  const results = groups.map(({ dimensions, contacts }) => ({
    Dimensions: dimensions,
    Collections: metrics.map((name) => ({
      Metric: { Name: name, Unit: METRIC_UNITS[name] },
      Value: metricValue(name, contacts, nowMs, groupings.length > 0),
    })),
  }));
  const result = page('GetCurrentMetricData', results, offset, maxResults);
  return {
    MetricResults: result.items,
    DataSnapshotTime: epochSeconds(nowMs),
    ApproximateTotalCount: results.length,
    ...(result.nextToken ? { NextToken: result.nextToken } : {}),
  };
};

function readMetrics(input: RequestInput): MetricName[] {
  const list = input.optionalObjectList('CurrentMetrics', 100);
  if (!list || list.length === 0)
    throw input.violation('CurrentMetrics', null, 'Member must not be null');
  return list.map((metric) => {
    const name = metric.requiredString('Name', { min: 1, max: 100 });
    if (!(name in METRIC_UNITS)) {
      throw invalidParameter(
        `local Amazon Connect does not compute metric ${name}; it computes ${Object.keys(METRIC_UNITS).join(' and ')}.`,
      );
    }
    const expected = METRIC_UNITS[name as MetricName];
    const unit = metric.optionalString('Unit', { min: 1, max: 20 });
    if (unit !== expected) {
      throw invalidParameter(
        `The unit of metric ${name} must be ${expected}, got ${unit ?? 'none'}.`,
      );
    }
    return name as MetricName;
  });
}

/**
 * OLDEST_CONTACT_AGE is in seconds when grouped; without groupings Connect still says SECONDS
 * but returns milliseconds (GetCurrentMetricData API reference), and so does the emulator.
 */
function metricValue(
  name: MetricName,
  contacts: Contact[],
  nowMs: number,
  grouped: boolean,
): number {
  if (name === 'CONTACTS_IN_QUEUE') return contacts.length;
  // A loop, not Math.min(...): spreading a very large queue overflows the call stack.
  let oldest = nowMs;
  for (const contact of contacts) oldest = Math.min(oldest, contact.enqueuedAt ?? nowMs);
  const ageMs = Math.max(0, nowMs - oldest);
  return grouped ? Math.floor(ageMs / 1000) : Math.floor(ageMs);
}

function resolveQueue(record: InstanceRecord, idOrArn: string): Queue {
  const byId = record.queues.get(idOrArn);
  if (byId) return byId;
  for (const queue of record.queues.values()) if (queue.arn === idOrArn) return queue;
  throw invalidParameter(
    `Filters.Queues: queue ${idOrArn} does not exist in instance ${record.instance.id}.`,
  );
}
