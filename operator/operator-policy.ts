/**
 * The least an operator's credentials need for the CLI and the console against a stack
 * (docs/cli.md, "Minimal IAM policy for operators", shows this document). The local system
 * enforces it on the operator's calls, so a call it lacks fails in the tests as it would in AWS.
 * Resource types from the Service Authorization Reference: Amazon Connect
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html),
 * Amazon DynamoDB (…/list_amazondynamodb.html), AWS Lambda (…/list_awslambda.html) and AWS
 * CloudFormation (…/list_awscloudformation.html). STS GetCallerIdentity needs no permission.
 */
export const operatorPolicyTemplate = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'FindTheStack',
      Effect: 'Allow',
      Action: 'cloudformation:DescribeStacks',
      Resource: 'arn:aws:cloudformation:REGION:ACCOUNT:stack/AmazonConnectEndContact/*',
    },
    {
      Sid: 'ReadTheSweepersSettings',
      Effect: 'Allow',
      Action: 'lambda:GetFunctionConfiguration',
      Resource: 'arn:aws:lambda:REGION:ACCOUNT:function:SWEEPER_FUNCTION_NAME',
    },
    {
      Sid: 'ReadTheRegistryAndWriteTheAudit',
      Effect: 'Allow',
      Action: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
      Resource: [
        'arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE_NAME',
        'arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE_NAME/index/queued-by-instance',
        'arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE_NAME/index/audit-by-instance',
      ],
    },
    {
      Sid: 'LookAndEnd',
      Effect: 'Allow',
      Action: [
        'connect:DescribeContact',
        'connect:GetContactMetrics',
        'connect:StopContact',
        'connect:TagContact',
      ],
      Resource: [
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID',
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/contact/*',
      ],
    },
    {
      Sid: 'QueueFigures',
      Effect: 'Allow',
      Action: 'connect:GetCurrentMetricData',
      Resource: [
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/queue/*',
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/routing-profile/*',
      ],
    },
    {
      Sid: 'QueueNamesAndInstanceAlias',
      Effect: 'Allow',
      Action: ['connect:ListQueues', 'connect:DescribeInstance'],
      Resource: [
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID',
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/queue/*',
      ],
    },
    {
      Sid: 'SecurityUserCheckForEnd',
      Effect: 'Allow',
      Action: [
        'connect:DescribeUser',
        'connect:SearchUsers',
        'connect:ListSecurityProfilePermissions',
      ],
      Resource: [
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID',
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/agent/*',
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/security-profile/*',
      ],
    },
  ],
};

/** The operator policy for these names; a resource of INSTANCE_ID is repeated for each instance. */
export function operatorPolicy(names: {
  region: string;
  accountId: string;
  tableName: string;
  instanceIds: readonly string[];
  sweeperFunctionName: string;
}): typeof operatorPolicyTemplate {
  const fill = (resource: string): string[] => {
    const named = resource
      .replaceAll('REGION', names.region)
      .replaceAll('ACCOUNT', names.accountId)
      .replaceAll('TABLE_NAME', names.tableName)
      .replaceAll('SWEEPER_FUNCTION_NAME', names.sweeperFunctionName);
    return named.includes('INSTANCE_ID')
      ? names.instanceIds.map((id) => named.replaceAll('INSTANCE_ID', id))
      : [named];
  };
  return {
    ...operatorPolicyTemplate,
    Statement: operatorPolicyTemplate.Statement.map((statement) => ({
      ...statement,
      Resource: [statement.Resource].flat().flatMap(fill),
    })),
  };
}
