import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CallbackEvent } from './events.js';
import type { LookBackoff } from './look-backoff.js';
import {
  type EndedBy,
  epochSeconds,
  type QueuedCallback,
  type QueueSet,
  rankByKind,
  registryItem,
  type StopAudit,
  type StoredItem,
  toQueuedCallback,
  type WriteResult,
} from './registry-item.js';
import { callbackTable, maxQueuedLifetimeMs, tombstoneLifetimeMs } from './table.js';

export {
  type EndedBy,
  everyQueue,
  inQueueSet,
  type QueuedCallback,
  type QueueSet,
  type RegistryState,
  registryItem,
  type StopAudit,
  type StoredItem,
  type WriteResult,
} from './registry-item.js';
export { callbackTable, callbackTableCreateInput } from './table.js';

/** The audit index's keys (callbackTable.auditIndex), set with every intent and end. */
const auditSet = 'auditInstanceId = :auditInstanceId, auditAt = :at';

function auditValues(callback: QueuedCallback, audit: StopAudit) {
  const values: Record<string, unknown> = { ':auditInstanceId': callback.instanceId };
  if (audit.requestedBy) values[':requestedBy'] = audit.requestedBy;
  return values;
}

/** Sets requestedBy for an operator's run, removes an earlier one for the schedule's. */
function requestedByUpdate(audit: StopAudit, alsoRemove?: string): string {
  const remove = [alsoRemove, audit.requestedBy ? undefined : 'requestedBy'].filter(Boolean);
  const set = audit.requestedBy ? ', requestedBy = :requestedBy' : '';
  return `${set}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`;
}

/** Attributes that belong to one state only; a write for another state removes them. */
const stateAttributes = ['queuedInstanceId', 'queuedAt', 'endedBy', 'endReason'] as const;

/** The sweeper's back-off (look-backoff.ts): any event resets it, so the next run looks again. */
const backoffAttributes = ['lookSkips', 'nextLookAt'] as const;

/** The entry is still the queued one the run read: no event, re-queue or end since. */
const sameQueuedEntry = '#state = :queued AND lastEventAt = :seenAt AND lastEventRank = :seenRank';

function seenValues(callback: QueuedCallback) {
  return {
    ':queued': 'QUEUED',
    ':seenAt': callback.lastEventAtMs,
    ':seenRank': callback.lastEventRank,
  };
}

const notEndedAndOlder =
  'attribute_not_exists(contactId) OR (#state <> :ended AND (lastEventAt < :at OR (lastEventAt = :at AND lastEventRank < :rank)))';

/**
 * The callback registry: which callbacks are queued, per instance, oldest first. Every write is
 * conditional on the event time, so duplicated, reordered and late events leave it correct.
 * Clients come from the caller; a DynamoDB error other than a failed condition is thrown.
 */
export class CallbackRegistry {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  get tableName(): string {
    return this.#tableName;
  }

  /**
   * Applies one event (from the tracker or from the sweeper's own findings). An update, not a put,
   * so the sweeper's audit attributes (its stop intent and confirmed stop) outlive any event.
   */
  async record(event: CallbackEvent, ended?: EndedBy): Promise<WriteResult> {
    const { contactId, ...item } = registryItem(event, ended);
    const usesTime = event.kind !== 'ended';
    // An end is terminal: once ENDED, no event however late or new changes the entry.
    const condition = usesTime
      ? notEndedAndOlder
      : 'attribute_not_exists(contactId) OR #state <> :ended';
    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = { ':ended': 'ENDED' };
    const sets: string[] = [];
    for (const [key, value] of Object.entries(item)) {
      names[`#${key}`] = key;
      values[`:v_${key}`] = value;
      sets.push(`#${key} = :v_${key}`);
    }
    const removed = [...stateAttributes.filter((key) => !(key in item)), ...backoffAttributes];
    if (usesTime) Object.assign(values, { ':at': event.eventAtMs, ':rank': item.lastEventRank });
    return this.#conditionally(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { contactId },
        UpdateExpression: `SET ${sets.join(', ')}${removed.length ? ` REMOVE ${removed.join(', ')}` : ''}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Whether a QUEUED event enqueued at `enqueuedAtMs` would change nothing: the registry holds
   * this state or a newer or terminal one. The read twin of `record`'s condition, for report mode.
   */
  async tracksQueued(contactId: string, enqueuedAtMs: number): Promise<boolean> {
    const { Item: item } = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { contactId }, ConsistentRead: true }),
    );
    if (!item) return false;
    if (item.state === 'ENDED') return true;
    const at = Number(item.lastEventAt);
    return (
      at > enqueuedAtMs || (at === enqueuedAtMs && Number(item.lastEventRank) >= rankByKind.queued)
    );
  }

  /**
   * Writes the sweeper's intent to stop a queued callback, as long as the entry is still the one
   * the run read (no event since). The stop goes ahead only once this is written, so no contact
   * the sweeper ends lacks an audit record.
   */
  async recordStopIntent(callback: QueuedCallback, intent: StopAudit): Promise<WriteResult> {
    return this.#conditionally(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { contactId: callback.contactId },
        UpdateExpression: `SET stopIntentRunId = :runId, stopIntentReason = :reason, stopIntentAt = :at, expiresAt = :expiresAt, ${auditSet}${requestedByUpdate(intent, 'stopAttemptAt')}`,
        ConditionExpression:
          '#state = :queued AND lastEventAt = :seenAt AND lastEventRank = :seenRank',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ...auditValues(callback, intent),
          ':runId': intent.runId,
          ':reason': intent.reason,
          ':at': intent.atMs,
          // An entry near its TTL must outlive the stop that may follow, or its audit goes too.
          ':expiresAt': epochSeconds(
            Math.max(callback.queuedAtMs + maxQueuedLifetimeMs, intent.atMs + tombstoneLifetimeMs),
          ),
          ':queued': 'QUEUED',
          ':seenAt': callback.lastEventAtMs,
          ':seenRank': callback.lastEventRank,
        },
      }),
    );
  }

  /**
   * Records that the run's StopContact was sent at `atMs` and its result is not known (no answer,
   * or a look afterwards that could not tell): the evidence a later run settles the intent with.
   */
  async recordStopAttempt(
    callback: QueuedCallback,
    attempt: { runId: string; atMs: number },
  ): Promise<WriteResult> {
    return this.#conditionally(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { contactId: callback.contactId },
        UpdateExpression: 'SET stopAttemptAt = :at',
        ConditionExpression: '#state = :queued AND stopIntentRunId = :runId',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':at': attempt.atMs,
          ':queued': 'QUEUED',
          ':runId': attempt.runId,
        },
      }),
    );
  }

  /**
   * Removes an earlier run's intent (and its attempt) from a callback that is still queued: a later
   * run found it still waiting, so no stop of that run ended it.
   */
  async clearStopIntent(callback: QueuedCallback, runId: string): Promise<WriteResult> {
    return this.#conditionally(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { contactId: callback.contactId },
        UpdateExpression: 'REMOVE stopIntentRunId, stopIntentReason, stopIntentAt, stopAttemptAt',
        ConditionExpression: '#state = :queued AND stopIntentRunId = :runId',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':queued': 'QUEUED', ':runId': runId },
      }),
    );
  }

  /**
   * Records that the sweeper's StopContact ended the callback. It may replace an ENDED written
   * meanwhile by the tracker (the stop's own DISCONNECTED event can arrive first).
   */
  async recordSweeperEnd(callback: QueuedCallback, stop: StopAudit): Promise<WriteResult> {
    return this.#conditionally(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { contactId: callback.contactId },
        UpdateExpression: `SET #state = :ended, endedBy = :sweeper, endReason = :reason, stoppedRunId = :runId, stoppedAt = :at, lastEventAt = if_not_exists(lastEventAt, :at), lastEventRank = :endedRank, expiresAt = :expiresAt, ${auditSet}${requestedByUpdate(stop, 'queuedInstanceId, queuedAt')}`,
        ConditionExpression:
          'attribute_exists(contactId) AND (#state <> :ended OR endedBy <> :sweeper)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ...auditValues(callback, stop),
          ':ended': 'ENDED',
          ':sweeper': 'callback-sweeper',
          ':reason': stop.reason,
          ':runId': stop.runId,
          ':at': stop.atMs,
          ':endedRank': rankByKind.ended,
          ':expiresAt': epochSeconds(stop.atMs + tombstoneLifetimeMs),
        },
      }),
    );
  }

  /**
   * Moves a queued entry to the enqueue time Connect reports (the callback was queued again), as
   * long as nobody wrote it since it was read.
   */
  async requeue(callback: QueuedCallback, enqueuedAtMs: number): Promise<WriteResult> {
    return this.#conditionally(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { contactId: callback.contactId },
        UpdateExpression: `SET queuedAt = :queuedAt, lastEventAt = :queuedAt, lastEventRank = :queuedRank, expiresAt = :expiresAt REMOVE ${backoffAttributes.join(', ')}`,
        ConditionExpression:
          '#state = :queued AND lastEventAt = :seenAt AND lastEventRank = :seenRank',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':queuedAt': enqueuedAtMs,
          ':queuedRank': rankByKind.queued,
          ':expiresAt': epochSeconds(enqueuedAtMs + maxQueuedLifetimeMs),
          ':queued': 'QUEUED',
          ':seenAt': callback.lastEventAtMs,
          ':seenRank': callback.lastEventRank,
        },
      }),
    );
  }

  /**
   * The sweeper's back-off on one entry (look-backoff.ts), read before a look. Not in the queued
   * index: a GSI's projection cannot change on a deployed table, and a filter on the index would
   * hide backed-off callbacks from reconciliation. An eventually consistent read: a stale answer
   * costs one look too many or too few, never an end.
   */
  async lookBackoff(contactId: string): Promise<LookBackoff | undefined> {
    const { Item: item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { contactId },
        ProjectionExpression: backoffAttributes.join(', '),
      }),
    );
    if (typeof item?.lookSkips !== 'number' || typeof item.nextLookAt !== 'number')
      return undefined;
    return { skips: item.lookSkips, nextLookAtMs: item.nextLookAt };
  }

  /**
   * Records one more look that found an agent on a queued callback, and when to look next, as long
   * as the entry is still the one the run read and holds the back-off the run read (`seen`). It
   * only postpones looks: nothing is ended because of it.
   */
  async recordLookSkip(
    callback: QueuedCallback,
    seen: LookBackoff | undefined,
    next: LookBackoff,
  ): Promise<WriteResult> {
    return this.#conditionally(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { contactId: callback.contactId },
        UpdateExpression: 'SET lookSkips = :skips, nextLookAt = :nextLookAt',
        ConditionExpression: `${sameQueuedEntry} AND ${
          seen ? 'lookSkips = :seenSkips' : 'attribute_not_exists(lookSkips)'
        }`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ...seenValues(callback),
          ':skips': next.skips,
          ':nextLookAt': next.nextLookAtMs,
          ...(seen ? { ':seenSkips': seen.skips } : {}),
        },
      }),
    );
  }

  /** Removes the back-off from a queued callback a look found waiting: the next skip starts over. */
  async clearLookBackoff(callback: QueuedCallback): Promise<WriteResult> {
    return this.#conditionally(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { contactId: callback.contactId },
        UpdateExpression: `REMOVE ${backoffAttributes.join(', ')}`,
        ConditionExpression: `${sameQueuedEntry} AND attribute_exists(lookSkips)`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: seenValues(callback),
      }),
    );
  }

  /**
   * Pages of callbacks queued before `cutoffMs` in one instance, oldest first. Pages are read one
   * at a time as the caller asks, so a sweep holds one page, not the whole registry. With `queues`,
   * only the entries whose queue is in that set (a filter on the index's projected `queueId`: the
   * index is read as far, and only what matches is returned).
   */
  async *queuedBefore(
    instanceId: string,
    cutoffMs: number,
    options: { pageSize: number; queues?: QueueSet },
  ): AsyncGenerator<QueuedCallback[]> {
    const { queuedIndex } = callbackTable;
    const filter = options.queues ? queueFilter(options.queues) : undefined;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: queuedIndex.name,
          KeyConditionExpression: '#instance = :instance AND #queuedAt < :cutoff',
          ...(filter ? { FilterExpression: filter.expression } : {}),
          ExpressionAttributeNames: {
            '#instance': queuedIndex.partitionKey.name,
            '#queuedAt': queuedIndex.sortKey.name,
            ...(filter ? { '#queueId': 'queueId' } : {}),
          },
          ExpressionAttributeValues: {
            ':instance': instanceId,
            ':cutoff': cutoffMs,
            ...filter?.values,
          },
          ScanIndexForward: true,
          Limit: options.pageSize,
          ExclusiveStartKey: startKey,
        }),
      );
      const callbacks = (page.Items ?? []).map((item) => toQueuedCallback(item));
      if (callbacks.length > 0) yield callbacks;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /** One entry as stored, read consistently; undefined when the registry has none. */
  async entry(contactId: string): Promise<StoredItem | undefined> {
    const { Item: item } = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { contactId }, ConsistentRead: true }),
    );
    return item as StoredItem | undefined;
  }

  /** The entries the sweeper acted on in one instance, newest first, from the sparse audit index. */
  async auditTrail(instanceId: string, limit: number): Promise<StoredItem[]> {
    const { auditIndex } = callbackTable;
    const items: StoredItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: auditIndex.name,
          KeyConditionExpression: '#instance = :instance',
          ExpressionAttributeNames: { '#instance': auditIndex.partitionKey.name },
          ExpressionAttributeValues: { ':instance': instanceId },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as StoredItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    return items;
  }

  async #conditionally(command: UpdateCommand): Promise<WriteResult> {
    try {
      await this.#client.send(command);
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'superseded';
      if ((error as { name?: unknown })?.name === 'ConditionalCheckFailedException') {
        return 'superseded';
      }
      throw error;
    }
  }
}

/** IN takes at most 100 values (DynamoDB's expression reference): longer lists are ORed in chunks. */
const maxInValues = 100;

/** A filter for the entries in a set of queues; none when the set is every queue. */
function queueFilter(
  set: QueueSet,
): { expression: string; values: Record<string, string> } | undefined {
  const queues = 'only' in set ? set.only : set.except;
  if ('except' in set && queues.length === 0) return undefined;
  const values: Record<string, string> = {};
  const chunks: string[] = [];
  for (let i = 0; i < queues.length; i += maxInValues) {
    const names = queues.slice(i, i + maxInValues).map((queueId, j) => {
      const name = `:q${i + j}`;
      values[name] = queueId;
      return name;
    });
    chunks.push(`#queueId IN (${names.join(', ')})`);
  }
  const listed =
    chunks.length > 0
      ? chunks.join(' OR ')
      : 'attribute_exists(#queueId) AND attribute_not_exists(#queueId)';
  return {
    expression:
      'only' in set ? `(${listed})` : `(attribute_not_exists(#queueId) OR NOT (${listed}))`,
    values,
  };
}
