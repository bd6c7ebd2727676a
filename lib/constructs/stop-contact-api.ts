import { Duration } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HandlerFunction } from './handler-function.js';

export interface StopContactApiProps {
  /**
   * Environment for the function (REQUIRE_SECURITY_USER, REQUIRED_PERMISSION, ...).
   * @default - the handler's documented defaults
   */
  readonly environment?: Record<string, string>;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/** End a Contact over HTTP: StopContact's request shape and error codes. */
export class StopContactApi extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: StopContactApiProps = {}) {
    super(scope, id);
    const handler = new HandlerFunction(this, 'Handler', {
      handler: 'stop-contact-api',
      description: 'POST /contact/stop: ends an Amazon Connect contact by ID',
      serviceName: 'stop-contact-api',
      timeout: Duration.seconds(10),
      environment: props.environment,
      logRetention: props.logRetention,
    });
    this.function = handler.function;
    this.logGroup = handler.logGroup;
  }
}
