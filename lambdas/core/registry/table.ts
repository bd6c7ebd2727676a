/**
 * The callback registry's table, as data: the CDK construct and the dynalite test helper both
 * build the table from this one definition, so code, infrastructure and tests cannot drift.
 * Dependency-free on purpose: CDK imports it without pulling in the AWS SDK.
 */
export const callbackTable = {
  /** One item per contact, so the tracker updates and tombstones by contact ID. */
  partitionKey: { name: 'contactId', type: 'S' },
  /** Epoch seconds; DynamoDB deletes the item some time after. */
  ttlAttribute: 'expiresAt',
  /**
   * Sparse: only items in state QUEUED carry `queuedInstanceId` and `queuedAt`, so the sweeper
   * queries "queued before T for one instance, oldest first" without a Scan.
   */
  queuedIndex: {
    name: 'queued-by-instance',
    partitionKey: { name: 'queuedInstanceId', type: 'S' },
    sortKey: { name: 'queuedAt', type: 'N' },
    // The stop intent and attempt too: a run settles an earlier run's unsettled stop from them.
    nonKeyAttributes: [
      'queueId',
      'lastEventAt',
      'lastEventRank',
      'stopIntentRunId',
      'stopIntentReason',
      'stopIntentAt',
      'stopAttemptAt',
      'requestedBy',
    ],
  },
  /**
   * Sparse: only items the sweeper acted on (a stop intent, its end, or an end it observed) carry
   * `auditInstanceId` and `auditAt`, so operators read the audit trail newest first, never a Scan.
   */
  auditIndex: {
    name: 'audit-by-instance',
    partitionKey: { name: 'auditInstanceId', type: 'S' },
    sortKey: { name: 'auditAt', type: 'N' },
    nonKeyAttributes: [
      'queueId',
      'state',
      'endedBy',
      'endReason',
      'stoppedRunId',
      'stoppedAt',
      'stopIntentRunId',
      'stopIntentReason',
      'stopIntentAt',
      'requestedBy',
      'lastEventAt',
    ],
  },
} as const;

/** Connect drops a queued callback after at most 14 days; no registry entry outlives that. */
export const maxQueuedLifetimeMs = 14 * 24 * 60 * 60 * 1000;

/**
 * How long a CONNECTED or ENDED entry stays as a tombstone. It must outlast late and retried
 * deliveries of the same contact's events (EventBridge retries for up to 24 h).
 */
export const tombstoneLifetimeMs = 3 * 24 * 60 * 60 * 1000;

/** CreateTable input for the registry (dynalite, scripts); on-demand, like the CDK table. */
export function callbackTableCreateInput(tableName: string) {
  const { partitionKey, queuedIndex, auditIndex } = callbackTable;
  const indexes = [queuedIndex, auditIndex];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
      ...indexes.flatMap((index) => [
        { AttributeName: index.partitionKey.name, AttributeType: index.partitionKey.type },
        { AttributeName: index.sortKey.name, AttributeType: index.sortKey.type },
      ]),
    ],
    KeySchema: [{ AttributeName: partitionKey.name, KeyType: 'HASH' as const }],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' as const },
      ],
      Projection: {
        ProjectionType: 'INCLUDE' as const,
        NonKeyAttributes: [...index.nonKeyAttributes],
      },
    })),
  };
}
