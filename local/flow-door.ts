import { readFileSync } from 'node:fs';
import { moduleSettings } from '../lib/flows/end-contact-module-settings.js';
import { parseFlowDocument, parseFlowModule } from './flow/document.js';
import { type FlowRun, runFlow } from './flow/runner.js';
import { type LocalLambdaHandler, lambdaContext } from './lambda-runtime.js';

/** The sample flow and the module, as their Fn::Sub texts: what `cdk synth` puts in the template. */
export interface FlowTexts {
  /** lib/flows/end-contact-module-example.json, placeholder `${EndContactModuleId}`. */
  flow: string;
  /** lib/flows/end-contact-module.json, placeholder `${EndContactFunctionArn}`. */
  module: string;
  /** The module's API-level Settings (a JSON string), which its content must agree with. */
  moduleSettings: string;
}

/** The texts the CDK constructs deploy, read from lib/flows/. */
export function sourceFlowTexts(): FlowTexts {
  const read = (file: string) =>
    readFileSync(new URL(`../lib/flows/${file}`, import.meta.url), 'utf8');
  return {
    flow: read('end-contact-module-example.json'),
    module: read('end-contact-module.json'),
    moduleSettings: JSON.stringify(moduleSettings),
  };
}

/**
 * The inputs the sample flow's Invoke module block passes, by its Identifier. The flow language
 * documents no parameter for them (only FlowModuleId), so they are not in the flow's JSON: set
 * them in the console's Invoke module block (docs/flow-module.md); the local runner takes them here.
 */
export const sampleModuleInputs = {
  'end-a-contact': {
    ContactId: '$.Attributes.TargetContactId',
    SecurityUser: '$.Attributes.SecurityUser',
    InstanceId: '$.Attributes.TargetInstanceId',
  },
} as const;

/** What `POST /flow/run` answers: the path block by block, the prompts, the branch and outputs. */
export interface SampleFlowAnswer {
  path: string[];
  prompts: string[];
  branch?: string;
  outputs: Record<string, string>;
  disconnected: boolean;
}

export interface SampleFlowRunnerOptions {
  texts: FlowTexts;
  /** The end-contact Lambda's handler, as `npm start` serves it. */
  endContact: LocalLambdaHandler;
  /** The instance the contact running the flow belongs to. */
  instanceArn: string;
}

/**
 * Runs the sample flow that calls the End a Contact module, for a contact whose attributes are
 * given (`TargetContactId`, `SecurityUser`). Bad flow JSON fails here, before anything runs.
 */
export function createSampleFlowRunner(options: SampleFlowRunnerOptions) {
  const [, partition, , region, account] = options.instanceArn.split(':');
  const functionArn = `arn:${partition}:lambda:${region}:${account}:function:end-contact`;
  const moduleArn = `${options.instanceArn}/flow-module/end-a-contact`;
  const flow = parseFlowDocument(
    substitute(options.texts.flow, { EndContactModuleId: moduleArn }),
    'flow end-contact-module-example.json',
  );
  const module = parseFlowModule(
    substitute(options.texts.module, { EndContactFunctionArn: functionArn }),
    options.texts.moduleSettings,
    'module end-contact-module.json',
  );
  return async (
    contactId: string,
    attributes: Record<string, string>,
  ): Promise<SampleFlowAnswer> => {
    const run: FlowRun = await runFlow(flow, 'flow', {
      contact: { ContactId: contactId, InstanceARN: options.instanceArn, Attributes: attributes },
      modules: { [moduleArn]: module },
      moduleInputs: sampleModuleInputs,
      invokeLambda: async (arn, event) => {
        if (arn !== functionArn) throw new Error(`no local function ${arn}`);
        return options.endContact(event as never, lambdaContext('end-contact', 8_000));
      },
    });
    const last = run.modules.at(-1);
    return {
      path: run.path,
      prompts: run.prompts,
      ...(last ? { branch: last.branch } : {}),
      outputs: last?.outputs ?? {},
      disconnected: run.disconnected,
    };
  };
}

/** CloudFormation's Fn::Sub over `${Name}` placeholders; a missing value is an error. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z0-9]+)\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`no value for the placeholder ${whole}`);
    return value;
  });
}
