import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { namingPort } from '../common/command-line.js';
import { checkLoopback } from '../common/http/guard.js';
import { closeServer, createJsonListener, listen } from '../common/http/serve.js';
import type { SweeperResult } from '../lambdas/callback-sweeper/callback-sweeper.js';
import { createConnectClient } from '../lambdas/core/connect/client.js';
import { createEndContactDeps, readEndContactConfig } from '../lambdas/core/end-contact/config.js';
import { readSweeperConfig } from '../lambdas/core/sweeper/config.js';
import { createFlowHandler } from '../lambdas/end-contact/end-contact.js';
import { createHttpHandler } from '../lambdas/stop-contact-api/stop-contact-api.js';
import { localOperatorCredentials, operatorEnvironment } from '../operator/core/target.js';
import { operatorPolicy } from '../operator/operator-policy.js';
import { deployedFunctions } from '../operator/verify/needed-calls.js';
import { verifyPolicy } from '../operator/verify/verify-policy.js';
import { DEMO_IDS, demoScenario, type LocalConnect, startLocalConnect } from './connect/index.js';
import { startLocalConsole } from './console.js';
import {
  clearEvent,
  demoSweepPolicies,
  type LocalSweepPolicies,
  localSweepPolicies,
  policiesSource,
  reportOnlyRules,
} from './demo-policies.js';
import { createRunnerRouter } from './doors.js';
import { createSampleFlowRunner, type FlowTexts, sourceFlowTexts } from './flow-door.js';
import { LocalIam, localStackRoles, type StackIdentities } from './iam/local-iam.js';
import type { FunctionRole } from './iam/role-policies.js';
import type { LocalLambdaHandler } from './lambda-runtime.js';
import { startLocalCallbacks } from './registry.js';
import type { SweepTrigger } from './sweep-summary.js';

export { type CurlExample, curlExamples, toCurl } from './examples.js';

export interface LocalSystemOptions {
  /** Port of the project's HTTP server; 0 picks a free one. */
  port: number;
  /** Port of the local Amazon Connect; 0 picks a free one. */
  connectPort: number;
  /**
   * The functions' settings, as their environment carries them (docs/configuration.md); the
   * sweeper's instances (both demo instances), table and report mode are the demo's whatever
   * this says.
   * @default process.env
   */
  environment?: Readonly<Record<string, string | undefined>>;
  /**
   * The sample flow and module `POST /flow/run` runs, as their Fn::Sub texts.
   * @default - lib/flows/, the files the CDK constructs deploy
   */
  flows?: FlowTexts;
  /** Connect's API quotas on the local Connect. @default true */
  quotas?: boolean;
  /** How often the callback sweeper runs, in report mode. @default 15 minutes */
  sweepEveryMs?: number;
  /** Called with every sweeper run's report (and with a run's failure), whatever started it. */
  onSweep?: (trigger: SweepTrigger, result: SweeperResult | Error) => void;
  /** Port of the operator console (docs/console.md); 0 picks a free one. @default - no console */
  consolePort?: number;
  /**
   * Enforce each function's IAM role, as the CDK app synthesizes it for the local shape, on every
   * Connect and DynamoDB call (docs/local-connect.md, "IAM"). Off only for experiments.
   * @default true
   */
  iam?: boolean;
  /**
   * Changes the synthesized roles before they are enforced, as a construct whose grant was
   * removed would: for tests of what a missing grant breaks (and what verify says about it).
   * @default - the roles as synthesized
   */
  adjustRoles?: (roles: readonly FunctionRole[]) => readonly FunctionRole[];
}

export interface LocalSystem {
  /** Base URL of the project's handlers, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly connect: LocalConnect;
  /** The instances the tracker and sweeper serve: both demo instances. */
  readonly instanceIds: readonly string[];
  /** The callback registry's DynamoDB (dynalite, behind local IAM). */
  readonly dynamoDbEndpoint: string;
  /** Each function's role, enforced on its calls (or not, with `iam: false`). */
  readonly iam: LocalIam;
  /** The synthesized stack whose roles the functions run as. */
  readonly stack: StackIdentities;
  /** The operator console's URL, token included, when `consolePort` was given. */
  readonly consoleUrl?: string;
  /** The sweep policies that run (the demo's unless SWEEP_POLICIES says otherwise) and their clears. */
  readonly sweepPolicies: LocalSweepPolicies;
  /** Runs the sweeper now, as its schedule does, and returns its report. */
  sweep(trigger?: SweepTrigger): Promise<SweeperResult>;
  /** Fires a scheduled clear of the sweep policies now, as its EventBridge Scheduler schedule does. */
  fireSchedule(name: string): Promise<SweeperResult>;
  /** Waits until the tracker has seen every contact event so far. */
  settled(): Promise<void>;
  /** Stops the handlers' server, the registry and the local Connect. */
  close(): Promise<void>;
}

/** The local system's account and Region, as the local Connect's ARNs carry them. */
const localRegion = 'us-east-1';
const localAccountId = '123456789012';

/** The name the local stack answers to, as the CDK app names the deployed one. */
const localStackName = 'AmazonConnectEndContact';

/** The demo's instances, all swept; a bare flow request comes from the first. */
export const demoInstanceIds: readonly string[] = [
  DEMO_IDS.instanceId,
  DEMO_IDS.secondInstance.instanceId,
];

/**
 * The whole system on one machine: the local Amazon Connect seeded with the demo contact center,
 * and the project's handlers served over HTTP, calling it through the real AWS SDK.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  // Settings first, as a Lambda's cold start reads them: a bad one fails before anything listens.
  // One End a Contact configuration for both doors: the flow's stricter deadline bound holds.
  const environment = options.environment ?? process.env;
  const config = readEndContactConfig(environment, 'end-contact');
  const sweeperEnvironment = {
    // The demo's sweep policies, with one scheduled clear, unless the environment has its own.
    SWEEP_POLICIES: demoSweepPolicies(),
    ...environment,
    // Both demo instances, as a stack with instanceArns of one account and Region sweeps them.
    CONNECT_INSTANCE_IDS: demoInstanceIds.join(','),
    CALLBACK_TABLE_NAME: 'callbacks',
    SWEEP_MODE: 'report',
  };
  const sweeperConfig = reportOnlyRules(readSweeperConfig(sweeperEnvironment));
  // Each function's role as the CDK app grants it with these settings, enforced on every call.
  const iam = new LocalIam({ accountId: localAccountId, enforce: options.iam ?? true });
  const synthesized = iam.enforcing
    ? await localStackRoles({
        instanceIds: demoInstanceIds,
        names: {
          region: localRegion,
          accountId: localAccountId,
          tableName: sweeperConfig.values.callbackTableName,
        },
      })
    : [];
  const stack = iam.addStack(options.adjustRoles?.(synthesized) ?? synthesized);
  const connect = await namingPort('--connect-port', options.connectPort, () =>
    startLocalConnect({
      port: options.connectPort,
      scenario: demoScenario(),
      quotas: options.quotas ?? true,
      region: localRegion,
      accountId: localAccountId,
      authorize: ({ accessKeyId, action, resources }) =>
        iam.authorize(accessKeyId, action, resources),
    }),
  );
  const closing: (() => Promise<void>)[] = [() => connect.close()];
  const close = async () => {
    for (const step of closing.reverse()) await step();
  };
  try {
    // The handlers' own factories, over clients that talk to this system's local services only,
    // each signing as its own function's role (never a developer's real credentials).
    // The operator (console, and the CLI with --local) signs as a person held to the operator's
    // documented policy (docs/cli.md).
    const operator = operatorPolicy({
      region: connect.region,
      accountId: connect.accountId,
      tableName: sweeperConfig.values.callbackTableName,
      instanceIds: demoInstanceIds,
      sweeperFunctionName: 'callback-sweeper',
    });
    // And what `end-contact verify` needs besides (docs/deploy.md, "Verify a deploy").
    const verifying = verifyPolicy({
      region: connect.region,
      accountId: connect.accountId,
      stackName: localStackName,
      instanceIds: demoInstanceIds,
    });
    iam.addPrincipal(localOperatorCredentials.accessKeyId, 'operator', {
      ...operator,
      Statement: [...operator.Statement, ...verifying.Statement],
    });
    // The End a Contact function is associated with each instance, as the CDK app's
    // integration association does in AWS; again after a reset of the local Connect.
    const functionArn = (service: string) =>
      `arn:aws:lambda:${connect.region}:${connect.accountId}:function:${service}`;
    const associate = () => {
      for (const id of demoInstanceIds) {
        try {
          connect.seed.lambdaFunction(id, functionArn('end-contact'));
        } catch {
          // A reset seeded a scenario without this instance: nothing to associate.
        }
      }
    };
    associate();
    closing.push(async () => unsubscribeAssociate());
    const unsubscribeAssociate = connect.onReset(associate);
    const clientConfig = { region: connect.region, credentials: localOperatorCredentials };
    const doorOf = (service: 'end-contact' | 'stop-contact-api') => {
      const client = createConnectClient(config.connect, {
        region: connect.region,
        credentials: stack.credentialsFor(service),
        endpoint: connect.endpoint,
      });
      closing.push(async () => client.destroy());
      return { deps: createEndContactDeps(config, client), deadlineMs: config.deadlineMs };
    };
    const instanceArn = `arn:aws:connect:${connect.region}:${connect.accountId}:instance/${DEMO_IDS.instanceId}`;
    const callbacks = await startLocalCallbacks(connect, { iam, stack }, sweeperConfig);
    closing.push(() => callbacks.close());

    const runSweep = async (trigger: SweepTrigger, event: unknown) => {
      try {
        const result = await callbacks.sweep(event);
        options.onSweep?.(trigger, result);
        return result;
      } catch (error) {
        options.onSweep?.(trigger, error as Error);
        throw error;
      }
    };
    const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events' };
    const schedule = setInterval(
      () => runSweep('scheduled', scheduled).catch(() => undefined),
      options.sweepEveryMs ?? 15 * 60_000,
    );
    schedule.unref();
    closing.push(async () => clearInterval(schedule));

    const fireSchedule = (name: string) => runSweep('schedule', clearEvent(sweeperConfig, name));
    const targetEnvironment = operatorEnvironment(environment);

    const flowHandler = createFlowHandler(doorOf('end-contact')) as unknown as LocalLambdaHandler;
    const router = createRunnerRouter({
      flow: flowHandler,
      runSampleFlow: createSampleFlowRunner({
        texts: options.flows ?? sourceFlowTexts(),
        endContact: flowHandler,
        instanceArn,
      }),
      api: createHttpHandler(doorOf('stop-contact-api')) as unknown as LocalLambdaHandler,
      sweep: (overrides) => runSweep('manual', overrides),
      fireSchedule,
      index: {
        connectEndpoint: connect.endpoint,
        instanceId: DEMO_IDS.instanceId,
        instanceIds: demoInstanceIds,
      },
      instanceArn,
      verify: {
        stack: async () => {
          const roles = await stack.roles();
          const outputs: Record<string, string> = {
            CallbackTableName: sweeperConfig.values.callbackTableName,
            SweptInstanceIds: demoInstanceIds.join(','),
          };
          const functionRoles: Record<string, string> = {};
          for (const fn of deployedFunctions) {
            const role = roles.find((r) => r.service === fn.service);
            if (!role) continue;
            outputs[fn.output] = functionArn(fn.service);
            functionRoles[functionArn(fn.service)] = iam.roleArn(role);
          }
          return {
            name: localStackName,
            status: 'CREATE_COMPLETE',
            region: connect.region,
            accountId: connect.accountId,
            outputs,
            roles: functionRoles,
          };
        },
        simulate: (roleArn, actions, resources) => iam.simulate(roleArn, actions, resources),
      },
      operatorTarget: () => ({
        region: connect.region,
        accountId: connect.accountId,
        connectEndpoint: connect.endpoint,
        dynamoDbEndpoint: callbacks.dynamoDbEndpoint,
        instanceIds: sweeperConfig.settings.instanceIds,
        tableName: sweeperConfig.values.callbackTableName,
        clockOffsetMs: connect.clock.now() - Date.now(),
        environment: targetEnvironment,
      }),
    });
    let port = 0;
    const listener = createJsonListener(router, {
      // curl sends no Origin and keeps working; a browser page of another origin is refused.
      guard: (request) =>
        checkLoopback(request, { port, name: 'the local runner', requireOrigin: false }),
    });
    const server = createServer((req, res) => {
      listener(req, res).catch(() => res.destroy());
    });
    await namingPort('--port', options.port, () => listen(server, options.port));
    port = (server.address() as AddressInfo).port;
    closing.push(() => closeServer(server));

    const operatorConsole =
      options.consolePort === undefined
        ? undefined
        : await startLocalConsole({
            connect,
            dynamoDbEndpoint: callbacks.dynamoDbEndpoint,
            sweeperConfig,
            environment,
            clientConfig,
            port: options.consolePort,
          });
    if (operatorConsole) closing.push(() => operatorConsole.close());

    return {
      url: `http://127.0.0.1:${port}`,
      connect,
      instanceIds: demoInstanceIds,
      dynamoDbEndpoint: callbacks.dynamoDbEndpoint,
      iam,
      stack,
      ...(operatorConsole ? { consoleUrl: operatorConsole.url } : {}),
      sweepPolicies: localSweepPolicies(policiesSource(environment), sweeperConfig),
      sweep: (trigger = 'scheduled') => runSweep(trigger, scheduled),
      fireSchedule,
      settled: callbacks.settled,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
