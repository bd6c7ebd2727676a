import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { doorServiceNames } from '../../lambdas/core/end-contact/branches.js';
import { settings } from '../../lambdas/core/settings/table.js';
import type { ConnectResources } from './connect-permissions.js';
import { endContactHandler } from './end-contact-function.js';
import { checkSettingProp } from './setting-props.js';

export interface StopContactApiProps {
  /**
   * Environment for the function (REQUIRE_SECURITY_USER, REQUIRED_PERMISSION, ...).
   * @default - the handler's documented defaults
   */
  readonly environment?: Record<string, string>;
  /**
   * How long the function's logs and the API's access logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * The Connect resources the function may act on.
   * @default - every instance of the stack's account and Region (`instance/*`)
   */
  readonly connectResources?: ConnectResources;
  /**
   * Steady-state requests per second the default stage lets through; above it callers get 429.
   * @default 5
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests the default stage lets through in a burst.
   * @default 10
   */
  readonly throttlingBurstLimit?: number;
}

/**
 * The fields of each access log line: who called, what, and how it went. No request or response
 * bodies: HTTP APIs cannot log them, and the body names contacts and users.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */
const accessLogFields = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  caller: '$context.identity.userArn',
  callerAccountId: '$context.identity.accountId',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
} as const;

/**
 * End a Contact over HTTP: `POST /contact/stop` with StopContact's request shape and error codes,
 * behind IAM authorization (callers sign with SigV4 and need `execute-api:Invoke` on the route).
 */
export class StopContactApi extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: LogGroup;
  public readonly role: Role;
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly route: HttpRoute;
  public readonly accessLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: StopContactApiProps = {}) {
    super(scope, id);
    checkSettingProp('apiRateLimit', props.throttlingRateLimit);
    checkSettingProp('apiBurstLimit', props.throttlingBurstLimit);
    const handler = endContactHandler(this, props, {
      handler: doorServiceNames.api,
      description: 'POST /contact/stop: ends an Amazon Connect contact by ID',
      timeout: Duration.seconds(10),
    });
    this.function = handler.function;
    this.logGroup = handler.logGroup;
    this.role = handler.role;

    this.api = new HttpApi(this, 'Api', {
      description: 'End a Contact: POST /contact/stop ends an Amazon Connect contact',
      createDefaultStage: false,
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    [this.route] = this.api.addRoutes({
      path: '/contact/stop',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('StopContact', this.function),
    }) as [HttpRoute];

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? settings.apiRateLimit.default,
        burstLimit: props.throttlingBurstLimit ?? settings.apiBurstLimit.default,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });
  }

  /** The API's base URL; the route is `POST <url>contact/stop`. */
  get url(): string {
    return this.stage.url;
  }
}
