/**
 * What `end-contact verify` needs besides the operator policy (operator/operator-policy.ts): read
 * the functions' roles and simulate them, list the instance's Lambda functions, read the module
 * and flow, run the sweeper in report mode; and, for `--end-to-end` only, start a task, invoke the
 * End a Contact function and stop the task if it was left running. The local system grants it to
 * the operator's identity too, so a call it lacks fails `verify --local` as it would in AWS.
 * Actions and resource types from the Service Authorization Reference: AWS Lambda
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html), IAM
 * (…/list_awsidentityandaccessmanagementiam.html) and Amazon Connect (…/list_amazonconnect.html).
 */
export const verifyPolicyTemplate = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ReadTheFunctionsRoles',
      Effect: 'Allow',
      Action: 'lambda:GetFunctionConfiguration',
      Resource: 'arn:aws:lambda:REGION:ACCOUNT:function:STACK_NAME-*',
    },
    {
      Sid: 'SimulateTheFunctionsRoles',
      Effect: 'Allow',
      Action: 'iam:SimulatePrincipalPolicy',
      Resource: 'arn:aws:iam::ACCOUNT:role/STACK_NAME-*',
    },
    {
      Sid: 'ReadTheInstanceIntegration',
      Effect: 'Allow',
      Action: [
        'connect:ListLambdaFunctions',
        'connect:DescribeContactFlow',
        'connect:DescribeContactFlowModule',
      ],
      Resource: [
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID',
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/contact-flow/*',
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/flow-module/*',
      ],
    },
    {
      Sid: 'RunTheSweeperInReportModeAndEndToEnd',
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:REGION:ACCOUNT:function:STACK_NAME-*',
    },
    {
      Sid: 'EndToEndTask',
      Effect: 'Allow',
      Action: ['connect:StartTaskContact', 'connect:DescribeContact', 'connect:StopContact'],
      Resource: [
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID',
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/contact-flow/*',
        'arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/contact/*',
      ],
    },
  ],
};

/** The verify policy for these names; a resource of INSTANCE_ID is repeated for each instance. */
export function verifyPolicy(names: {
  region: string;
  accountId: string;
  stackName: string;
  instanceIds: readonly string[];
}): { Version: string; Statement: Record<string, unknown>[] } {
  const fill = (resource: string): string[] => {
    const named = resource
      .replaceAll('REGION', names.region)
      .replaceAll('ACCOUNT', names.accountId)
      .replaceAll('STACK_NAME', names.stackName);
    return named.includes('INSTANCE_ID')
      ? names.instanceIds.map((id) => named.replaceAll('INSTANCE_ID', id))
      : [named];
  };
  return {
    ...verifyPolicyTemplate,
    Statement: verifyPolicyTemplate.Statement.map((statement) => ({
      ...statement,
      Resource: [statement.Resource].flat().flatMap(fill),
    })),
  };
}
