import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerEntry, lambdaDefaults } from '../bundling.js';

export interface HandlerFunctionProps {
  /** The folder under `lambdas/` whose `handler.ts` this function runs. */
  readonly handler: string;
  /** What the function does, for the console. */
  readonly description: string;
  /** Also the Powertools service name in its logs. */
  readonly serviceName: string;
  /** How long one invocation may run. */
  readonly timeout: Duration;
  /**
   * Memory in MB; Lambda gives CPU in proportion.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Added to the function's environment.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * At most this many concurrent executions.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * One of the project's Lambdas: Node.js 24 on arm64, bundled as one CommonJS file, with its own log
 * group and a role that may only write to that log group until a construct grants more.
 */
export class HandlerFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: LogGroup;
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // No AWSLambdaBasicExecutionRole: it allows writing to every log group in the account.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.serviceName} function`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      ...lambdaDefaults,
      entry: handlerEntry(props.handler),
      description: props.description,
      timeout: props.timeout,
      memorySize: props.memorySize ?? 256,
      role: this.role,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        ...lambdaDefaults.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        ...props.environment,
      },
    });
  }
}
