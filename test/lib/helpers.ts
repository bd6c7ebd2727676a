import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { App, type AppProps, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, vi } from 'vitest';
import type { EndContactStack } from '../../lib/end-contact-stack.js';
import { addEndContactStacks } from '../../lib/regional-stacks.js';

export const instanceArn =
  'arn:aws:connect:us-east-1:123456789012:instance/0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

/** cdk.json's context: the feature flags `cdk synth` uses, so the tests see the same template. */
export const cdkJsonContext: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

// An App without `outdir` synthesizes into a new `cdk.out*` folder in the OS temp dir and never
// removes it. Every app of a test file synthesizes under this folder instead, removed after the file.
const synthRoot = mkdtempSync(join(tmpdir(), 'end-contact-synth-'));
afterAll(() => rmSync(synthRoot, { recursive: true, force: true }));

/** An App whose synthesis output is removed after the test file. Use it for every App in the tests. */
export function testApp(props: AppProps = {}): App {
  return new App({ ...props, outdir: mkdtempSync(join(synthRoot, 'cdk.out')) });
}

export interface Synthesized {
  app: App;
  stack: EndContactStack;
  /** The template; reading it throws when synthesis failed. */
  readonly template: Template;
  /** Why synthesis failed (cdk-nag findings fail it), or undefined when it succeeded. */
  synthError: string | undefined;
  /** What synthesis printed to stderr (CDK's validation report), without colours. */
  printed: string;
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
 * template; the Lambda code is then a placeholder asset. `expectWarnings` lists the annotation
 * IDs (e.g. `end-contact:no-instance-arn`) this context is meant to raise: their blocks of the
 * printed report are kept in `printed` for the test instead of cluttering the run's output; any
 * other warning is still printed.
 */
export function synthesize(
  context: Record<string, unknown> = {},
  { bundle = false, expectWarnings = [] }: { bundle?: boolean; expectWarnings?: string[] } = {},
): Synthesized {
  const app = testApp({
    context: {
      ...cdkJsonContext,
      ...context,
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  // As lib/app.ts: a stack per Region; `stack` is the first Region's.
  const [stack] = addEndContactStacks(app) as [EndContactStack];
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const captured: string[] = [];
  const stderr = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    captured.push(args.map(String).join(' '));
  });
  let synthesized: ReturnType<typeof templateOf>;
  try {
    synthesized = templateOf(stack);
  } finally {
    stderr.mockRestore();
  }
  const printed = stripVTControlCharacters(captured.join('\n'));
  const unexpected = printed
    .split('\n\n')
    .filter((block) => !block.startsWith('A copy of this report can be found in:'))
    .filter((block) => !expectWarnings.some((id) => block.includes(`'Annotation::${id}'`)));
  if (unexpected.join('').trim()) console.error(unexpected.join('\n\n'));
  return {
    app,
    stack,
    synthError: synthesized.synthError,
    printed,
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
