import { Annotations, type App, CfnOutput, Stack, type StackProps, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { doorServiceNames } from '../lambdas/core/end-contact/branches.js';
import { addCallbackServices } from './callback-services.js';
import {
  type ConnectInstance,
  type EndContactConfig,
  instanceOutsideStack,
  readConfig,
} from './config.js';
import { Alarms } from './constructs/alarms.js';
import type { CallbackSweeper } from './constructs/callback-sweeper.js';
import type { CallbackTracker } from './constructs/callback-tracker.js';
import { ConnectResources } from './constructs/connect-permissions.js';
import { EndContactFunction } from './constructs/end-contact-function.js';
import { EndContactModule } from './constructs/end-contact-module.js';
import { OperationsDashboard } from './constructs/operations-dashboard.js';
import { perInstanceId } from './constructs/per-instance.js';
import { SampleContactFlow } from './constructs/sample-contact-flow.js';
import { settingsEnvironment } from './constructs/setting-props.js';
import { StopContactApi } from './constructs/stop-contact-api.js';

export interface EndContactStackProps extends StackProps {
  /**
   * What to deploy and how; `lib/app.ts` reads it from CDK context.
   * @default - every default of lib/config.ts: no instance, report-only sweeper
   */
  readonly config?: EndContactConfig;
}

/** End a Contact for Amazon Connect: the flow Lambda, the HTTP API, and the callback sweeper. */
export class EndContactStack extends Stack {
  public readonly config: EndContactConfig;
  public readonly endContact?: EndContactFunction;
  public readonly stopContactApi?: StopContactApi;
  public readonly callbackTracker?: CallbackTracker;
  /** Present when callbackSweeper is on and instanceArn is set: it sweeps named instances only. */
  public readonly callbackSweeper?: CallbackSweeper;
  /** CXone's End a Contact block in each instance: when flowModule is on and it is associated. */
  public readonly flowModules: readonly EndContactModule[] = [];
  /** The sample flow in each instance. */
  public readonly sampleFlows: readonly SampleContactFlow[] = [];
  public readonly alarms: Alarms;
  /** Present when the dashboard setting is on. */
  public readonly dashboard?: OperationsDashboard;

  constructor(scope: Construct, id: string, props: EndContactStackProps = {}) {
    super(scope, id, props);
    const config = props.config ?? readConfig(() => undefined);
    this.config = config;
    const { deploy, instance, instances } = config;
    const outside = instanceOutsideStack(config, id, {
      ...(Token.isUnresolved(this.region) ? {} : { region: this.region }),
      ...(Token.isUnresolved(this.account) ? {} : { account: this.account }),
    });
    if (outside) throw new Error(outside);

    if (!instance && !config.local) {
      Annotations.of(this).addWarningV2(
        'end-contact:no-instance-arn',
        'instanceArn is not set: the functions may act on every Amazon Connect instance of the account and Region, and there is no flow integration and no callback sweeper. Set it before deploying: npx cdk deploy -c instanceArn=arn:aws:connect:<region>:<account>:instance/<instance-id> (or in cdk.json "context").',
      );
    } else if (!instance && deploy.callbackSweeper) {
      Annotations.of(this).addWarningV2(
        'end-contact:no-sweeper-instance',
        'instanceArn is not set, so there is no callback sweeper (it sweeps named instances only): pass -c instanceArn=<the instance ARN connect-local prints> to deploy it.',
      );
    }

    const connect = ConnectResources.of(
      this,
      instances.map((i) => i.arn),
    );
    // In LocalStack the SDK's service-specific endpoint wins over LocalStack's AWS_ENDPOINT_URL.
    const localEnvironment: Record<string, string> = config.local
      ? { AWS_ENDPOINT_URL_CONNECT: config.localConnectEndpoint }
      : {};
    const environment: Record<string, string> = {
      ...settingsEnvironment({
        requireSecurityUser: config.requireSecurityUser,
        requiredPermission: config.requiredPermission,
        securityUserCacheTtlSeconds: config.securityUserCacheTtlSeconds,
      }),
      ...localEnvironment,
    };

    this.alarms = new Alarms(this, 'Alarms', config.alarmEmail ? { email: config.alarmEmail } : {});

    if (deploy.endContactFunction) {
      this.endContact = new EndContactFunction(this, 'EndContact', {
        environment,
        logRetention: config.logRetention,
        connectResources: connect,
        ...(deploy.connectIntegration && instance ? { associateWith: instances } : {}),
      });
      this.alarms.addFunctionErrors(
        'EndContactErrors',
        this.endContact.function,
        'The end-contact function failed or timed out: the flow took its error branch.',
      );
      new CfnOutput(this, 'EndContactFunctionArn', {
        description: 'The function a contact flow invokes (AWS Lambda function block)',
        value: this.endContact.function.functionArn,
      });
    }

    if (deploy.stopContactApi) {
      this.stopContactApi = new StopContactApi(this, 'StopContactApi', {
        environment,
        logRetention: config.logRetention,
        connectResources: connect,
        throttlingRateLimit: config.api.rateLimit,
        throttlingBurstLimit: config.api.burstLimit,
      });
      this.alarms.addFunctionErrors(
        'StopContactApiErrors',
        this.stopContactApi.function,
        'The stop-contact-api function failed or timed out: callers got a 5xx.',
      );
      new CfnOutput(this, 'StopContactApiUrl', {
        description: 'Base URL of the HTTP API: POST <url>contact/stop, signed with SigV4',
        value: this.stopContactApi.url,
      });
      new CfnOutput(this, 'StopContactRouteArn', {
        description: 'Allow execute-api:Invoke on this ARN to let a caller use the API',
        value: this.stopContactApi.api.arnForExecuteApi('POST', '/contact/stop', '$default'),
      });
      new CfnOutput(this, 'StopContactApiFunctionArn', {
        description: 'The function behind POST /contact/stop',
        value: this.stopContactApi.function.functionArn,
      });
    }

    if (deploy.callbackSweeper) {
      const { tracker, sweeper } = addCallbackServices(this, this.alarms, config, localEnvironment);
      this.callbackTracker = tracker;
      this.callbackSweeper = sweeper;
    }

    const associations = this.endContact?.associations ?? [];
    if (deploy.flowModule) {
      this.flowModules = associations.map(({ instance, integrationAssociation }, index) => {
        const module = new EndContactModule(this, perInstanceId('FlowModule', instance, index), {
          instanceArn: instance.arn,
          endContactFunction: (this.endContact as EndContactFunction).function,
          externalInvocation: deploy.flowModuleExternalInvocation,
        });
        // The module can only reference a function the instance already knows.
        module.node.addDependency(integrationAssociation);
        new CfnOutput(this, perInstanceId('FlowModuleArn', instance, index), {
          description: `The End a Contact flow module (CXone's block): use it in an Invoke module block${ofInstance(instance, index)}`,
          value: module.module.attrContactFlowModuleArn,
        });
        if (module.version) {
          new CfnOutput(this, perInstanceId('FlowModuleVersionArn', instance, index), {
            description: `The End a Contact module's published version, for AI agents${ofInstance(instance, index)}`,
            value: module.version.attrContactFlowModuleVersionArn,
          });
        }
        return module;
      });
    }

    if (deploy.sampleFlow) {
      this.sampleFlows = associations.map(({ instance, integrationAssociation }, index) => {
        const module = this.flowModules[index];
        const flow = new SampleContactFlow(this, perInstanceId('SampleFlow', instance, index), {
          instanceArn: instance.arn,
          endContactFunction: (this.endContact as EndContactFunction).function,
          ...(module ? { endContactModuleId: module.module.attrContactFlowModuleArn } : {}),
        });
        // The flow can only reference a function the instance already knows.
        flow.node.addDependency(integrationAssociation);
        new CfnOutput(this, perInstanceId('SampleFlowArn', instance, index), {
          description: `The sample contact flow${ofInstance(instance, index)}`,
          value: flow.flow.attrContactFlowArn,
        });
        return flow;
      });
    }

    if (deploy.dashboard) {
      const endContactFunctions = [
        ...(this.endContact
          ? [
              {
                title: 'end-contact (flow)',
                function: this.endContact.function,
                serviceName: doorServiceNames.flow,
              },
            ]
          : []),
        ...(this.stopContactApi
          ? [
              {
                title: 'stop-contact-api (HTTP)',
                function: this.stopContactApi.function,
                serviceName: doorServiceNames.api,
              },
            ]
          : []),
      ];
      this.dashboard = new OperationsDashboard(this, 'Dashboard', {
        endContactFunctions,
        ...(this.callbackTracker ? { tracker: this.callbackTracker } : {}),
        ...(this.callbackSweeper ? { sweeperFunction: this.callbackSweeper.function } : {}),
        ...(instances.length > 0 && !config.local
          ? { connectInstanceIds: instances.map((i) => i.id) }
          : {}),
      });
      new CfnOutput(this, 'DashboardName', {
        description: 'The CloudWatch dashboard of the sweeper, the tracker and the functions',
        value: this.dashboard.dashboard.dashboardName,
      });
    }

    if (this.alarms.topic) {
      new CfnOutput(this, 'AlarmTopicArn', {
        description: 'SNS topic every alarm notifies',
        value: this.alarms.topic.topicArn,
      });
    }
  }
}

/** The stack's ID: CloudFormation's stack name. Chosen once; renaming it would orphan the stack. */
export const stackId = 'AmazonConnectEndContact';

/** Reads and validates the app's context (cdk.json, `-c key=value`); throws on a bad value. */
export function configFromContext(app: App): EndContactConfig {
  return readConfig((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext()));
}

/**
 * Adds a stack for one Region's instances to the app, configured from the app's context unless
 * `config` is given. The app adds one per Region: `addEndContactStacks` (lib/regional-stacks.ts).
 */
export function addEndContactStack(
  app: App,
  config: EndContactConfig = configFromContext(app),
  id: string = stackId,
): EndContactStack {
  return new EndContactStack(app, id, {
    description: "NICE CXone's End a Contact for Amazon Connect",
    config,
    // The functions must live in the instances' account and Region; LocalStack has its own account.
    ...(config.instance && !config.local
      ? { env: { account: config.instance.account, region: config.instance.region } }
      : {}),
  });
}

/** Nothing for the first instance (its outputs read as they always did); the instance otherwise. */
const ofInstance = (instance: ConnectInstance, index: number) =>
  index === 0 ? '' : ` (instance ${instance.id})`;
