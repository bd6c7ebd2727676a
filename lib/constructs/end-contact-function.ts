import { Duration } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HandlerFunction } from './handler-function.js';

export interface EndContactFunctionProps {
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

/** The Lambda a Connect flow invokes to end a contact (CXone's End a Contact). */
export class EndContactFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EndContactFunctionProps = {}) {
    super(scope, id);
    const handler = new HandlerFunction(this, 'Handler', {
      handler: 'end-contact',
      description: 'Ends an Amazon Connect contact by ID for a contact flow (End a Contact)',
      serviceName: 'end-contact',
      // Connect waits at most 8 s; the handler's own deadline is 5 s.
      timeout: Duration.seconds(8),
      environment: props.environment,
      logRetention: props.logRetention,
    });
    this.function = handler.function;
    this.logGroup = handler.logGroup;
  }
}
