/**
 * The Amazon Connect Flow language (Version 2019-10-30), as far as the local flow runner reads it:
 * parsing and the checks Connect makes on import, each refusal naming the place.
 * Language reference: https://docs.aws.amazon.com/connect/latest/APIReference/flow-language.html
 */

export interface FlowCondition {
  Operator: string;
  Operands: string[];
}

export interface FlowTransitions {
  NextAction?: string;
  Conditions?: { NextAction: string; Condition: FlowCondition }[];
  Errors?: { NextAction: string; ErrorType: string }[];
}

export interface FlowAction {
  Identifier: string;
  Type: string;
  Parameters: Record<string, unknown>;
  Transitions: FlowTransitions;
}

/** One branch of a module, as its content's Settings.Transitions list it. */
export interface ModuleTransition {
  DisplayName: string;
  ReferenceName: string;
  Description: string;
}

/**
 * A module's content-level Settings. AWS documents no schema for it; the shape is the one in
 * public CreateContactFlowModule fixtures (terraform-provider-aws
 * internal/service/connect/test-fixtures/connect_contact_flow_module.json), see docs/flow-module.md.
 */
export interface ModuleContentSettings {
  InputParameters: unknown[];
  OutputParameters: unknown[];
  Transitions: ModuleTransition[];
}

export interface FlowDocument {
  Version: string;
  StartAction: string;
  Actions: FlowAction[];
  /** A module's content-level Settings (flows have none). */
  Settings?: ModuleContentSettings;
}

/** The action types the runner interprets (local/flow/runner.ts). */
export const runnableActionTypes = [
  'InvokeLambdaFunction',
  'Compare',
  'UpdateContactAttributes',
  'MessageParticipant',
  'DisconnectParticipant',
  'InvokeFlowModule',
  'EndFlowModuleExecution',
] as const;

type RunnableActionType = (typeof runnableActionTypes)[number];

const reference = 'https://docs.aws.amazon.com/connect/latest/APIReference';

/**
 * The parameters each action type takes, from its page of the flow-language reference. Connect
 * validates a flow it publishes (CloudFormation creates flows PUBLISHED) against these; the runner
 * refuses any other name, naming the action and the property.
 */
export const actionParameters: Readonly<
  Record<
    RunnableActionType,
    { documented: readonly string[]; page: string; undocumented?: readonly string[] }
  >
> = {
  InvokeLambdaFunction: {
    documented: [
      'LambdaFunctionARN',
      'InvocationTimeLimitSeconds',
      'InvocationType',
      'LambdaInvocationAttributes',
      'ResponseValidation',
    ],
    page: `${reference}/interactions-invokelambdafunction.html`,
  },
  Compare: {
    documented: ['ComparisonValue'],
    page: `${reference}/flow-control-actions-compare.html`,
  },
  UpdateContactAttributes: {
    documented: ['Attributes', 'TargetContact'],
    page: `${reference}/contact-actions-updatecontactattributes.html`,
  },
  MessageParticipant: {
    documented: ['PromptId', 'Text', 'SSML', 'Media'],
    page: `${reference}/participant-actions-messageparticipant.html`,
  },
  DisconnectParticipant: {
    documented: [],
    page: `${reference}/participant-actions-disconnectparticipant.html`,
  },
  InvokeFlowModule: {
    documented: ['FlowModuleId'],
    page: `${reference}/flow-language-actions-invoke-flow-module.html`,
  },
  EndFlowModuleExecution: {
    // The page shows an empty parameter object. A module with custom branches must name the branch
    // it returns and its outputs: Result and ResultData, the names console-built modules carry
    // (docs/flow-module.md says what is and is not documented).
    documented: [],
    undocumented: ['Result', 'ResultData'],
    page: `${reference}/endflowmoduleexecution.html`,
  },
};

/** Connect's own error branch of every module: the Invoke module block's Error branch. */
export const moduleErrorBranch = 'Error';

/** A flow the runner refuses: malformed JSON, an unknown action, a dangling transition. */
export class FlowDocumentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FlowDocumentError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every action a transition of `action` may go to. */
export function transitionTargets(action: FlowAction): string[] {
  const { NextAction, Conditions = [], Errors = [] } = action.Transitions;
  return [
    ...(NextAction ? [NextAction] : []),
    ...Conditions.map((c) => c.NextAction),
    ...Errors.map((e) => e.NextAction),
  ];
}

/**
 * Parses and checks a flow or module: `name` says which in every message ("flow
 * end-contact-module-example.json"). Throws one FlowDocumentError naming the first bad place.
 */
export function parseFlowDocument(input: string | unknown, name: string): FlowDocument {
  let document: unknown = input;
  if (typeof input === 'string') {
    try {
      document = JSON.parse(input);
    } catch (error) {
      throw new FlowDocumentError(`${name} is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (!isObject(document)) throw new FlowDocumentError(`${name} must be a JSON object`);
  if (document.Version !== '2019-10-30') {
    throw new FlowDocumentError(
      `${name}: Version must be "2019-10-30", got ${JSON.stringify(document.Version)}`,
    );
  }
  if (!Array.isArray(document.Actions)) {
    throw new FlowDocumentError(`${name}: Actions must be an array of actions`);
  }
  const known = new Set<string>(runnableActionTypes);
  const ids = new Set<string>();
  document.Actions.forEach((action: unknown, index) => {
    const at = `${name}: Actions[${index}]`;
    if (!isObject(action) || typeof action.Identifier !== 'string' || !action.Identifier) {
      throw new FlowDocumentError(`${at} must be an object with a string Identifier`);
    }
    if (ids.has(action.Identifier)) {
      throw new FlowDocumentError(`${at}: Identifier "${action.Identifier}" is used twice`);
    }
    ids.add(action.Identifier);
    if (typeof action.Type !== 'string' || !known.has(action.Type)) {
      throw new FlowDocumentError(
        `${name}: action "${action.Identifier}" has Type ${JSON.stringify(action.Type)}, which the local flow runner does not know (it runs ${runnableActionTypes.join(', ')})`,
      );
    }
    if (!isObject(action.Parameters) || !isObject(action.Transitions)) {
      throw new FlowDocumentError(
        `${name}: action "${action.Identifier}" must have Parameters and Transitions objects`,
      );
    }
    const { documented, undocumented = [] } = actionParameters[action.Type as RunnableActionType];
    const allowed = new Set([...documented, ...undocumented]);
    for (const parameter of Object.keys(action.Parameters)) {
      if (!allowed.has(parameter)) {
        throw new FlowDocumentError(
          `${name}: action "${action.Identifier}" (${action.Type}) has the parameter "${parameter}", which the flow language does not document for ${action.Type} (it takes ${documented.join(', ') || 'no parameters'})`,
        );
      }
    }
  });
  const flow = document as unknown as FlowDocument;
  if (!ids.has(flow.StartAction)) {
    throw new FlowDocumentError(
      `${name}: StartAction "${String(flow.StartAction)}" is not the Identifier of any action`,
    );
  }
  for (const action of flow.Actions) {
    for (const target of transitionTargets(action)) {
      if (!ids.has(target)) {
        throw new FlowDocumentError(
          `${name}: action "${action.Identifier}" transitions to "${target}", which is not the Identifier of any action`,
        );
      }
    }
  }
  return flow;
}

/** The parts of a module's API-level `Settings` (CreateContactFlowModule's `Settings` string) read here. */
interface ApiModuleSettings {
  inputs: string[];
  outputs: string[];
  branches: string[];
}

function parseApiSettings(input: unknown, name: string): ApiModuleSettings {
  let settings: unknown = input;
  if (typeof input === 'string') {
    try {
      settings = JSON.parse(input);
    } catch (error) {
      throw new FlowDocumentError(`${name}: the module's Settings are not JSON`, { cause: error });
    }
  }
  if (!isObject(settings)) {
    throw new FlowDocumentError(`${name}: the module has no API-level Settings (a JSON object)`);
  }
  const properties = (part: unknown) => {
    const schema = isObject(part) && isObject(part.schema) ? part.schema : {};
    return Object.keys(isObject(schema.properties) ? schema.properties : {});
  };
  const transitions = isObject(settings.transitions) ? settings.transitions : {};
  const results = Array.isArray(transitions.results) ? transitions.results : [];
  return {
    inputs: properties(settings.input),
    outputs: properties(settings.resultData),
    branches: results.map((result) => String(isObject(result) ? result.name : result)),
  };
}

function checkContentSettings(settings: unknown, name: string): ModuleContentSettings {
  const isTransition = (t: unknown) =>
    isObject(t) &&
    typeof t.ReferenceName === 'string' &&
    typeof t.DisplayName === 'string' &&
    typeof t.Description === 'string';
  if (
    !isObject(settings) ||
    !Array.isArray(settings.InputParameters) ||
    !Array.isArray(settings.OutputParameters) ||
    !Array.isArray(settings.Transitions)
  ) {
    throw new FlowDocumentError(
      `${name}: the content has no Settings block (InputParameters, OutputParameters, Transitions), which flow modules carry`,
    );
  }
  const bad = settings.Transitions.findIndex((t) => !isTransition(t));
  if (bad >= 0) {
    throw new FlowDocumentError(
      `${name}: the content Settings.Transitions[${bad}] must have string DisplayName, ReferenceName and Description`,
    );
  }
  return settings as unknown as ModuleContentSettings;
}

/** Every `$.Modules.Input.<name>` a parameter value reads. */
function inputsRead(value: unknown): string[] {
  if (typeof value === 'string') {
    return [...value.matchAll(/\$\.Modules\.Input\.([A-Za-z0-9_-]+)/g)].map((m) => m[1] ?? '');
  }
  if (isObject(value) || Array.isArray(value)) return Object.values(value).flatMap(inputsRead);
  return [];
}

/**
 * Parses and checks a flow module: its content as parseFlowDocument does, plus what Connect checks
 * of a module. The content must carry its Settings block; its Transitions must be the branches the
 * API-level `settings` declare (transitions.results) and Connect's Error branch; every
 * EndFlowModuleExecution must return a declared branch and set only declared outputs; every
 * `$.Modules.Input` read must be a declared input. Throws one FlowDocumentError naming the place.
 */
export function parseFlowModule(
  content: string | unknown,
  settings: string | unknown,
  name: string,
): FlowDocument {
  const module = parseFlowDocument(content, name);
  const contentSettings = checkContentSettings(module.Settings, name);
  const api = parseApiSettings(settings, name);
  const declared = contentSettings.Transitions.map((t) => t.ReferenceName);
  for (const branch of [...api.branches, moduleErrorBranch]) {
    if (!declared.includes(branch)) {
      throw new FlowDocumentError(
        `${name}: the content Settings.Transitions lack "${branch}", a branch its API-level Settings declare (transitions.results)`,
      );
    }
  }
  for (const branch of declared) {
    if (branch !== moduleErrorBranch && !api.branches.includes(branch)) {
      throw new FlowDocumentError(
        `${name}: the content Settings.Transitions declare "${branch}", which its API-level Settings do not (transitions.results: ${api.branches.join(', ')})`,
      );
    }
  }
  for (const action of module.Actions) {
    const at = `${name}: action "${action.Identifier}" (${action.Type})`;
    for (const input of inputsRead(action.Parameters)) {
      if (!api.inputs.includes(input)) {
        throw new FlowDocumentError(
          `${at} reads $.Modules.Input.${input}, an input the module's Settings do not declare (input.schema: ${api.inputs.join(', ')})`,
        );
      }
    }
    if (action.Type !== 'EndFlowModuleExecution') continue;
    const { Result, ResultData = {} } = action.Parameters;
    if (typeof Result !== 'string' || !declared.includes(Result)) {
      throw new FlowDocumentError(
        `${at} returns the Result ${JSON.stringify(Result)}, which no branch of the module declares (it declares ${declared.join(', ')})`,
      );
    }
    for (const output of Object.keys(isObject(ResultData) ? ResultData : {})) {
      if (!api.outputs.includes(output)) {
        throw new FlowDocumentError(
          `${at} sets the output "${output}" in ResultData, which the module's Settings do not declare (resultData.schema: ${api.outputs.join(', ')})`,
        );
      }
    }
  }
  return module;
}
