import { Duration } from 'aws-cdk-lib';
import { CfnIntegrationAssociation } from 'aws-cdk-lib/aws-connect';
import { type Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { doorServiceNames } from '../../lambdas/core/end-contact/branches.js';
import type { ConnectInstance } from '../config.js';
import { ConnectResources, endContactGrants, grantConnect } from './connect-permissions.js';
import { HandlerFunction, type HandlerFunctionProps } from './handler-function.js';
import { perInstanceId } from './per-instance.js';

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
  /**
   * The Connect resources the function may act on.
   * @default - every instance of the stack's account and Region (`instance/*`)
   */
  readonly connectResources?: ConnectResources;
  /**
   * Associates the function with this instance, or each of these instances
   * (`AWS::Connect::IntegrationAssociation`), and lets each invoke it, scoped by SourceAccount and
   * SourceArn, so its flows can pick it. The first keeps the construct IDs of a single instance.
   * @default - not associated: add it in the instance's "Flows → AWS Lambda" settings
   */
  readonly associateWith?: ConnectInstance | readonly ConnectInstance[];
}

/** The function's association with one instance. */
export interface InstanceAssociation {
  readonly instance: ConnectInstance;
  readonly integrationAssociation: CfnIntegrationAssociation;
  /** Connect's permission to invoke the function from this instance. */
  readonly connectInvokePermission: CfnPermission;
}

/** The Lambda a Connect flow invokes to end a contact (CXone's End a Contact). */
/**
 * A function that ends contacts (either door): its handler bundle, log group and role, with the
 * End a Contact core's Connect grants (StopContact and the SecurityUser reads).
 */
export function endContactHandler(
  scope: Construct,
  props: Pick<EndContactFunctionProps, 'environment' | 'logRetention' | 'connectResources'>,
  door: Pick<HandlerFunctionProps, 'handler' | 'description' | 'timeout'>,
): HandlerFunction {
  const handler = new HandlerFunction(scope, 'Handler', {
    ...door,
    serviceName: door.handler,
    environment: props.environment,
    logRetention: props.logRetention,
  });
  grantConnect(
    handler.role,
    endContactGrants(props.connectResources ?? ConnectResources.of(scope)),
  );
  return handler;
}

export class EndContactFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: LogGroup;
  public readonly role: Role;
  /** One association per instance of `associateWith`, in its order. */
  public readonly associations: readonly InstanceAssociation[];

  constructor(scope: Construct, id: string, props: EndContactFunctionProps = {}) {
    super(scope, id);
    const handler = endContactHandler(this, props, {
      handler: doorServiceNames.flow,
      description: 'Ends an Amazon Connect contact by ID for a contact flow (End a Contact)',
      // Connect waits at most 8 s; the handler's own deadline is 5 s.
      timeout: Duration.seconds(8),
    });
    this.function = handler.function;
    this.logGroup = handler.logGroup;
    this.role = handler.role;

    const instances = props.associateWith === undefined ? [] : [props.associateWith].flat();
    this.associations = instances.map((instance, index) => {
      const permissionId = perInstanceId('ConnectInvoke', instance, index);
      this.function.addPermission(permissionId, {
        principal: new ServicePrincipal('connect.amazonaws.com'),
        action: 'lambda:InvokeFunction',
        sourceAccount: instance.account,
        sourceArn: instance.arn,
      });
      const connectInvokePermission = this.function.node.findChild(permissionId) as CfnPermission;
      const integrationAssociation = new CfnIntegrationAssociation(
        this,
        perInstanceId('IntegrationAssociation', instance, index),
        {
          instanceId: instance.arn,
          integrationType: 'LAMBDA_FUNCTION',
          integrationArn: this.function.functionArn,
        },
      );
      integrationAssociation.node.addDependency(connectInvokePermission);
      return { instance, integrationAssociation, connectInvokePermission };
    });
  }
}
