import { readFileSync } from 'node:fs';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { addEndContactStack, type EndContactStack } from '../../lib/end-contact-stack.js';

export const instanceArn =
  'arn:aws:connect:us-east-1:123456789012:instance/0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

/** cdk.json's context: the feature flags `cdk synth` uses, so the tests see the same template. */
export const cdkJsonContext: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export interface Synthesized {
  app: App;
  stack: EndContactStack;
  /** The template; reading it throws when synthesis failed. */
  readonly template: Template;
  /** Why synthesis failed (cdk-nag findings fail it), or undefined when it succeeded. */
  synthError: string | undefined;
}

/**
 * Synthesizes a stack once, keeping a failure (cdk-nag findings throw) for the test that checks
 * it, so that test, not the file's setup, reports it.
 */
export function templateOf(stack: Stack): {
  readonly template: Template;
  synthError: string | undefined;
} {
  let template: Template | undefined;
  let synthError: string | undefined;
  try {
    template = Template.fromStack(stack);
  } catch (error) {
    synthError = error instanceof Error ? error.message : String(error);
  }
  return {
    synthError,
    get template(): Template {
      if (!template) throw new Error(`synthesis failed: ${synthError}`);
      return template;
    },
  };
}

/**
 * Builds the app as `cdk synth -c ...` does (lib/app.ts), cdk-nag included, and synthesizes it
 * once. `bundle: false` skips esbuild (about 4 s a synth here) for tests that only read the
 * template; the Lambda code is then a placeholder asset.
 */
export function synthesize(
  context: Record<string, unknown> = {},
  { bundle = false }: { bundle?: boolean } = {},
): Synthesized {
  const app = new App({
    context: {
      ...cdkJsonContext,
      ...context,
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = addEndContactStack(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const synthesized = templateOf(stack);
  return {
    app,
    stack,
    synthError: synthesized.synthError,
    get template() {
      return synthesized.template;
    },
  };
}

/** Every rule ID acknowledged with `Validations.of(...).acknowledge()` anywhere under `scope`. */
export function acknowledgedRuleIds(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.keys(entry.data as Record<string, string>));
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every IAM policy statement in the template: policies, managed policies and inline role policies. */
export function policyStatements(template: Template): Statement[] {
  const documents: { Statement: Statement[] }[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    documents.push(policy.Properties.PolicyDocument);
  }
  for (const policy of Object.values(template.findResources('AWS::IAM::ManagedPolicy'))) {
    documents.push(policy.Properties.PolicyDocument);
  }
  for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
    for (const inline of role.Properties.Policies ?? []) documents.push(inline.PolicyDocument);
  }
  return documents.flatMap((document) => document.Statement);
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Connect actions that only read: the Service Authorization Reference's Read and List levels. */
const readOnlyConnectAction = /^connect:(Describe|List|Get|Search|BatchGet)[A-Za-z]+$/;

/**
 * Allow statements that grant a Connect action able to change something (StopContact,
 * TagContact, UpdateContactAttributes, a `connect:*` wildcard, ...) on Resource `*`.
 */
export function mutatingConnectStatementsOnAnyResource(template: Template): Statement[] {
  return policyStatements(template).filter(
    (statement) =>
      statement.Effect === 'Allow' &&
      asArray(statement.Action).some(
        (action) =>
          (action === '*' || action.startsWith('connect:')) && !readOnlyConnectAction.test(action),
      ) &&
      asArray(statement.Resource).some((resource) => resource === '*'),
  );
}

/** The statements granting this action. */
export function statementsFor(template: Template, action: string): Statement[] {
  return policyStatements(template).filter((statement) =>
    asArray(statement.Action).includes(action),
  );
}

/** Each function's Connect actions (sorted), by its POWERTOOLS_SERVICE_NAME, read through its role's policies. */
export function connectActionsByService(template: Template): Record<string, string[]> {
  return actionsByService(template, 'connect:');
}

/** Each function's DynamoDB actions (sorted), by its POWERTOOLS_SERVICE_NAME. */
export function dynamoDbActionsByService(template: Template): Record<string, string[]> {
  return actionsByService(template, 'dynamodb:');
}

/** Each function's statements, by its POWERTOOLS_SERVICE_NAME. */
export function statementsByService(template: Template): Record<string, Statement[]> {
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  const result: Record<string, Statement[]> = {};
  for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
    const service: string = fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME;
    const roleId: string = fn.Properties.Role['Fn::GetAtt'][0];
    result[service] = policies
      .filter((p) => p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  }
  return result;
}

function actionsByService(template: Template, prefix: string): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(statementsByService(template)).map(([service, statements]) => [
      service,
      [
        ...new Set(
          statements.flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith(prefix)),
        ),
      ].sort(),
    ]),
  );
}
