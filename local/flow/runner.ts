/**
 * Runs an Amazon Connect flow (and the modules it invokes) on this machine: the path taken block
 * by block, the prompts played, and each module's branch and outputs. Lambda blocks go through
 * `invokeLambda`, which `npm start` and the tests point at the project's real handlers.
 */
import type { ConnectContactFlowEvent } from 'aws-lambda';
import type { FlowAction, FlowDocument } from './document.js';

/** A flow that parses but cannot run: a missing module, an unknown operator, a loop. */
export class FlowRunError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FlowRunError';
  }
}

/** The contact the flow runs for. */
export interface FlowContact {
  ContactId: string;
  InstanceARN: string;
  Channel?: string;
  Attributes?: Record<string, string>;
}

export interface FlowRunOptions {
  contact: FlowContact;
  /** The flow modules an InvokeFlowModule may name, by the FlowModuleId it uses. */
  modules?: Readonly<Record<string, FlowDocument>>;
  /**
   * The inputs each Invoke module block passes, by the block's Identifier: each a `$.` path or a
   * literal. The flow language documents only `FlowModuleId` for InvokeFlowModule
   * (https://docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions-invoke-flow-module.html),
   * so the inputs are set in the console's Invoke module block and given here, beside the flow.
   */
  moduleInputs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Invokes the function as Connect would; a throw takes the block's Error branch. */
  invokeLambda(functionArn: string, event: ConnectContactFlowEvent): Promise<unknown>;
  /** @default 500 */
  maxSteps?: number;
}

export interface ModuleResult {
  module: string;
  /** The branch the module returned (`$.Modules.Result`), `Error` for its error path. */
  branch: string;
  /** `$.Modules.ResultData`. */
  outputs: Record<string, string>;
}

export interface FlowRun {
  /** Every block taken, as `<flow or module>:<Identifier>`. */
  path: string[];
  /** The text of each MessageParticipant, in order. */
  prompts: string[];
  /** The module invocations, in order. */
  modules: ModuleResult[];
  attributes: Record<string, string>;
  disconnected: boolean;
}

interface State {
  run: FlowRun;
  external: Record<string, string>;
  moduleResult?: ModuleResult;
  steps: number;
}

interface Frame {
  name: string;
  input?: Record<string, string>;
}

/** Runs `flow` from its StartAction to a DisconnectParticipant. */
export async function runFlow(
  flow: FlowDocument,
  name: string,
  options: FlowRunOptions,
): Promise<FlowRun> {
  const state: State = {
    run: {
      path: [],
      prompts: [],
      modules: [],
      attributes: { ...options.contact.Attributes },
      disconnected: false,
    },
    external: {},
    steps: 0,
  };
  await execute(flow, { name }, state, options);
  return state.run;
}

type Ending = { kind: 'disconnected' } | { kind: 'returned'; result: ModuleResult };

async function execute(
  flow: FlowDocument,
  frame: Frame,
  state: State,
  options: FlowRunOptions,
): Promise<Ending> {
  const byId = new Map(flow.Actions.map((action) => [action.Identifier, action]));
  let action = byId.get(flow.StartAction);
  while (action) {
    if (++state.steps > (options.maxSteps ?? 500)) {
      throw new FlowRunError(
        `${frame.name}: more than ${options.maxSteps ?? 500} blocks run, last "${action.Identifier}": the flow loops`,
      );
    }
    state.run.path.push(`${frame.name}:${action.Identifier}`);
    const step = await perform(action, frame, state, options);
    if (typeof step !== 'string') return step;
    action = byId.get(step);
  }
  throw new FlowRunError(`${frame.name}: ran off the end of the flow`);
}

/** Performs one block; answers the next block's Identifier, or how the flow ended. */
async function perform(
  action: FlowAction,
  frame: Frame,
  state: State,
  options: FlowRunOptions,
): Promise<string | Ending> {
  const p = action.Parameters;
  const read = (value: unknown) => resolve(value, frame, state, options.contact);
  switch (action.Type) {
    case 'MessageParticipant':
      state.run.prompts.push(read(p.Text));
      return next(action, frame);
    case 'UpdateContactAttributes':
      for (const [key, value] of Object.entries((p.Attributes ?? {}) as Record<string, unknown>)) {
        state.run.attributes[key] = read(value);
      }
      return next(action, frame);
    case 'Compare':
      return compare(action, frame, read(p.ComparisonValue));
    case 'DisconnectParticipant':
      state.run.disconnected = true;
      return { kind: 'disconnected' };
    case 'InvokeLambdaFunction':
      return invokeLambda(action, frame, state, options, read);
    case 'InvokeFlowModule':
      return invokeModule(action, frame, state, options, read);
    case 'EndFlowModuleExecution': {
      if (frame.input === undefined) {
        throw new FlowRunError(
          `${frame.name}: action "${action.Identifier}" (EndFlowModuleExecution) runs only inside a flow module`,
        );
      }
      const data = (p.ResultData ?? {}) as Record<string, unknown>;
      const outputs = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, read(v)]));
      return { kind: 'returned', result: { module: frame.name, branch: read(p.Result), outputs } };
    }
    default:
      throw new FlowRunError(
        `${frame.name}: action "${action.Identifier}" has Type "${action.Type}", which the local flow runner does not know`,
      );
  }
}

function next(action: FlowAction, frame: Frame): string {
  const target = action.Transitions.NextAction;
  if (!target) {
    throw new FlowRunError(`${frame.name}: action "${action.Identifier}" has no NextAction`);
  }
  return target;
}

function onError(action: FlowAction, frame: Frame, errorType: string): string {
  const errors = action.Transitions.Errors ?? [];
  const match =
    errors.find((e) => e.ErrorType === errorType) ??
    errors.find((e) => e.ErrorType === 'NoMatchingError');
  if (!match) {
    throw new FlowRunError(
      `${frame.name}: action "${action.Identifier}" failed (${errorType}) and has no Error transition for it`,
    );
  }
  return match.NextAction;
}

function compare(action: FlowAction, frame: Frame, value: string): string {
  for (const { NextAction, Condition } of action.Transitions.Conditions ?? []) {
    if (Condition.Operator !== 'Equals') {
      throw new FlowRunError(
        `${frame.name}: action "${action.Identifier}" uses the operator "${Condition.Operator}", which the local flow runner does not know (it knows Equals)`,
      );
    }
    if (Condition.Operands.includes(value)) return NextAction;
  }
  const noMatch = action.Transitions.Errors?.find((e) => e.ErrorType === 'NoMatchingCondition');
  return noMatch?.NextAction ?? next(action, frame);
}

async function invokeLambda(
  action: FlowAction,
  frame: Frame,
  state: State,
  options: FlowRunOptions,
  read: (value: unknown) => string,
): Promise<string> {
  const p = action.Parameters;
  const parameters = Object.fromEntries(
    Object.entries((p.LambdaInvocationAttributes ?? {}) as Record<string, unknown>).map(
      ([key, value]) => [key, read(value)],
    ),
  );
  const { contact } = options;
  const event = {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: { ...state.run.attributes },
        Channel: contact.Channel ?? 'VOICE',
        ContactId: contact.ContactId,
        InitialContactId: contact.ContactId,
        PreviousContactId: contact.ContactId,
        InitiationMethod: 'INBOUND',
        InstanceARN: contact.InstanceARN,
        CustomerEndpoint: null,
        SystemEndpoint: null,
        Queue: null,
        MediaStreams: { Customer: { Audio: null } },
      },
      Parameters: parameters,
    },
  } as unknown as ConnectContactFlowEvent;
  let result: unknown;
  try {
    result = await options.invokeLambda(read(p.LambdaFunctionARN), event);
  } catch {
    return onError(action, frame, 'NoMatchingError');
  }
  // STRING_MAP validation: a flat map of strings, or the block's Error branch.
  const isStringMap =
    typeof result === 'object' &&
    result !== null &&
    Object.values(result).every((value) => typeof value === 'string');
  if (!isStringMap) return onError(action, frame, 'NoMatchingError');
  state.external = { ...(result as Record<string, string>) };
  return next(action, frame);
}

async function invokeModule(
  action: FlowAction,
  frame: Frame,
  state: State,
  options: FlowRunOptions,
  read: (value: unknown) => string,
): Promise<string | Ending> {
  const id = read(action.Parameters.FlowModuleId);
  const module = options.modules?.[id];
  if (!module) {
    throw new FlowRunError(
      `${frame.name}: action "${action.Identifier}" invokes the flow module "${id}", which the runner was not given`,
    );
  }
  const input = Object.fromEntries(
    Object.entries(options.moduleInputs?.[action.Identifier] ?? {}).map(([key, value]) => [
      key,
      read(value),
    ]),
  );
  const ending = await execute(module, { name: 'module', input }, state, options);
  if (ending.kind === 'disconnected') return ending;
  state.run.modules.push(ending.result);
  state.moduleResult = ending.result;
  return ending.result.branch === 'Error'
    ? onError(action, frame, 'NoMatchingError')
    : next(action, frame);
}

/** A `$.` path read from the contact, or the literal text. Missing values read as "". */
function resolve(value: unknown, frame: Frame, state: State, contact: FlowContact): string {
  if (typeof value !== 'string') return value === undefined ? '' : String(value);
  if (!value.startsWith('$.')) return value;
  const [root = '', ...rest] = value.slice(2).split('.');
  const key = rest.join('.');
  const result = state.moduleResult;
  const lookup: Record<string, () => string | undefined> = {
    Attributes: () => state.run.attributes[key],
    External: () => state.external[key],
    Modules: () =>
      key === 'Result'
        ? result?.branch
        : key.startsWith('ResultData.')
          ? result?.outputs[key.slice('ResultData.'.length)]
          : key.startsWith('Input.')
            ? frame.input?.[key.slice('Input.'.length)]
            : undefined,
    ContactId: () => contact.ContactId,
    InstanceARN: () => contact.InstanceARN,
    Channel: () => contact.Channel ?? 'VOICE',
  };
  return lookup[root]?.() ?? '';
}
