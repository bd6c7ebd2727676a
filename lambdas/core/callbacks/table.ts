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
    nonKeyAttributes: ['queueId', 'lastEventAt', 'lastEventRank'],
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
  const { partitionKey, queuedIndex } = callbackTable;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
      {
        AttributeName: queuedIndex.partitionKey.name,
        AttributeType: queuedIndex.partitionKey.type,
      },
      { AttributeName: queuedIndex.sortKey.name, AttributeType: queuedIndex.sortKey.type },
    ],
    KeySchema: [{ AttributeName: partitionKey.name, KeyType: 'HASH' as const }],
    GlobalSecondaryIndexes: [
      {
        IndexName: queuedIndex.name,
        KeySchema: [
          { AttributeName: queuedIndex.partitionKey.name, KeyType: 'HASH' as const },
          { AttributeName: queuedIndex.sortKey.name, KeyType: 'RANGE' as const },
        ],
        Projection: {
          ProjectionType: 'INCLUDE' as const,
          NonKeyAttributes: [...queuedIndex.nonKeyAttributes],
        },
      },
    ],
  };
}
