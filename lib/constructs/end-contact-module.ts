import { readFileSync } from 'node:fs';
import { Fn } from 'aws-cdk-lib';
import { CfnContactFlowModule } from 'aws-cdk-lib/aws-connect';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The module's flow-language content; its one `${...}` placeholder is `${EndContactFunctionArn}`. */
export const moduleContent = readFileSync(
  new URL('../flows/end-contact-module.json', import.meta.url),
  'utf8',
);

/** CXone's End a Contact properties, as the module's inputs (all strings). */
export const moduleInputs = {
  ContactId: 'The contact to end (CXone ContactID). Missing or invalid: OnInvalidContactID.',
  SecurityUser:
    "CXone's SecurityUser: a Connect user ID, user ARN or username whose security profiles must grant StopContact.Enabled.",
  InstanceId: 'Instance ID or ARN. Defaults to the instance of the contact running the flow.',
  DisconnectReasonCode:
    "StopContact's DisconnectReason.Code (Connect accepts it only from outbound campaigns).",
} as const;

/** What the module returns in `$.Modules.ResultData`. */
export const moduleOutputs = {
  DisconnectReason: "TerminateScript on OnSuccess (CXone's __DISCONNECTREASON).",
  ErrorCode: "Connect's exception name, ValidationException, InvalidSecurityUser or TimeoutError.",
  ErrorMessage: 'Why the contact was not ended, naming the field when an input is malformed.',
} as const;

/** CXone's five branches; the module's error path is the Invoke module block's Error branch. */
export const moduleBranches = {
  OnSuccess: 'The contact was ended.',
  OnInvalidContactID: 'ContactId is missing or invalid, or Connect does not know the contact.',
  OnUnauthorized: "The SecurityUser's security profiles lack the permission, or IAM denied it.",
  OnInvalidSecurityUser:
    'The SecurityUser names no user of the instance, or is required and missing.',
  Default: 'Anything else, including a malformed InstanceId or DisconnectReasonCode.',
} as const;

const stringProperties = (fields: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(fields).map(([name, description]) => [name, { type: 'string', description }]),
  );

/**
 * The module's Settings: input and output JSON schemas and its custom branches. AWS documents
 * Settings only as "a string"; this shape is the one flow modules built in the console carry
 * (docs/flow-module.md says what is and is not documented).
 */
export const moduleSettings = {
  input: {
    schema: {
      type: 'object',
      properties: stringProperties(moduleInputs),
      required: ['ContactId'],
    },
  },
  resultData: { schema: { type: 'object', properties: stringProperties(moduleOutputs) } },
  transitions: {
    results: Object.entries(moduleBranches).map(([name, description]) => ({ name, description })),
  },
};

export interface EndContactModuleProps {
  /** The instance the module is created in. */
  readonly instanceArn: string;
  /** The end-contact function the module invokes; it must be associated with the instance. */
  readonly endContactFunction: IFunction;
  /**
   * Let Connect's AI agents call the module as a tool.
   * @default false
   */
  readonly externalInvocation?: boolean;
  /**
   * The module's name in the instance; names are unique per instance.
   * @default 'End a Contact'
   */
  readonly moduleName?: string;
}

/** NICE CXone's End a Contact block as an `AWS::Connect::ContactFlowModule`. */
export class EndContactModule extends Construct {
  public readonly module: CfnContactFlowModule;

  constructor(scope: Construct, id: string, props: EndContactModuleProps) {
    super(scope, id);
    this.module = new CfnContactFlowModule(this, 'Module', {
      instanceArn: props.instanceArn,
      name: props.moduleName ?? 'End a Contact',
      description:
        "NICE CXone's End a Contact: ends any contact by ID, with CXone's SecurityUser check and branches",
      state: 'ACTIVE',
      content: Fn.sub(moduleContent, {
        EndContactFunctionArn: props.endContactFunction.functionArn,
      }),
      settings: JSON.stringify(moduleSettings),
      externalInvocationConfiguration: { enabled: props.externalInvocation ?? false },
    });
  }
}
