import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { callbackTable } from '../../lambdas/core/registry/table.js';

export interface CallbackTableProps {
  /**
   * Encrypts the table with this customer managed key.
   * @default - the AWS managed key for DynamoDB (`alias/aws/dynamodb`)
   */
  readonly encryptionKey?: IKey;
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The callback registry: on-demand, point-in-time recovery, encrypted, items expire by TTL, and
 * the sparse `queued-by-instance` index the sweeper queries and the sparse `audit-by-instance`
 * index operators read the audit trail from. Keys, index and TTL attribute come
 * from `lambdas/core/registry/table.ts`, the definition the code and the tests use.
 */
export class CallbackTable extends Construct {
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: CallbackTableProps = {}) {
    super(scope, id);
    const { partitionKey, queuedIndex, auditIndex, ttlAttribute } = callbackTable;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey.name, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(props.encryptionKey
        ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
        : { encryption: TableEncryption.AWS_MANAGED }),
      timeToLiveAttribute: ttlAttribute,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const index of [queuedIndex, auditIndex]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey.name, type: AttributeType.STRING },
        sortKey: { name: index.sortKey.name, type: AttributeType.NUMBER },
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.nonKeyAttributes],
      });
    }
  }
}
