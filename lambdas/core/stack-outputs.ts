/**
 * The stack outputs an operator's CLI reads (CloudFormation DescribeStacks) to find what to work
 * on. Dependency-free: the CDK stack imports it to name them, so the two cannot drift.
 */
export const stackOutputs = {
  /** The callback registry's table. */
  callbackTableName: 'CallbackTableName',
  /** The instance IDs the sweeper covers, comma-separated. */
  sweptInstanceIds: 'SweptInstanceIds',
  /** The sweeper function: its environment holds the settings an operator's run keeps to. */
  callbackSweeperFunctionArn: 'CallbackSweeperFunctionArn',
} as const;
