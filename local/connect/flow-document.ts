/**
 * The Amazon Connect Flow language (Version 2019-10-30), as far as the local flow runner reads it:
 * parsing and the checks Connect makes on import, each refusal naming the place.
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

export interface FlowDocument {
  Version: string;
  StartAction: string;
  Actions: FlowAction[];
}

/** The action types the runner interprets (local/connect/flow-runner.ts). */
export const runnableActionTypes = [
  'InvokeLambdaFunction',
  'Compare',
  'UpdateContactAttributes',
  'MessageParticipant',
  'DisconnectParticipant',
  'InvokeFlowModule',
  'EndFlowModuleExecution',
] as const;

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
