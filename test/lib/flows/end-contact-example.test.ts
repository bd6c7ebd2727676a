import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { branches } from '../../../lambdas/end-contact/end-contact.js';

/** The parts of the Amazon Connect Flow language this test reads. */
type Condition = { Operator: string; Operands: string[] };
type Transitions = {
  NextAction?: string;
  Conditions?: { NextAction: string; Condition: Condition }[];
  Errors?: { NextAction: string; ErrorType: string }[];
};
type Action = {
  Identifier: string;
  Type: string;
  Parameters: Record<string, unknown>;
  Transitions: Transitions;
};
type Flow = { Version: string; StartAction: string; Actions: Action[] };

/** The CloudFormation Fn::Sub token our CDK code replaces with the function's ARN. */
const arnPlaceholder = `\${EndContactFunctionArn}`;
const flowUrl = new URL('../../../lib/flows/end-contact-example.json', import.meta.url);
const text = readFileSync(flowUrl, 'utf8');
const flow = JSON.parse(text) as Flow;
const byId = new Map(flow.Actions.map((action) => [action.Identifier, action]));

function nextActions(action: Action): string[] {
  const { NextAction, Conditions = [], Errors = [] } = action.Transitions;
  return [
    ...(NextAction ? [NextAction] : []),
    ...Conditions.map((c) => c.NextAction),
    ...Errors.map((e) => e.NextAction),
  ];
}

function actionsOfType(type: string): Action[] {
  return flow.Actions.filter((action) => action.Type === type);
}

function reachableFrom(start: string): Set<string> {
  const seen = new Set<string>();
  const pending = [start];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const action = byId.get(id);
    if (seen.has(id) || !action) continue;
    seen.add(id);
    pending.push(...nextActions(action));
  }
  return seen;
}

describe('the End a Contact example flow', () => {
  it('parses as a Flow language document of version 2019-10-30', () => {
    expect(flow.Version).toBe('2019-10-30');
    expect(Array.isArray(flow.Actions)).toBe(true);
    expect(flow.Actions.length).toBeGreaterThan(0);
  });

  it('starts at an action that exists', () => {
    expect(byId.has(flow.StartAction)).toBe(true);
  });

  it('gives every action a unique identifier that Connect accepts', () => {
    expect(byId.size).toBe(flow.Actions.length);
    for (const { Identifier } of flow.Actions) {
      expect(Identifier.length).toBeLessThanOrEqual(50);
      expect(Identifier).not.toMatch(/[%:(\\/)=$,;[\]{}]/);
    }
  });

  it('points every transition at an existing action', () => {
    for (const action of flow.Actions) {
      for (const next of nextActions(action)) {
        expect(byId.has(next), `${action.Identifier} -> ${next}`).toBe(true);
      }
    }
  });

  it('has a way forward from every action except DisconnectParticipant', () => {
    for (const action of flow.Actions) {
      if (action.Type === 'DisconnectParticipant') {
        expect(action.Transitions).toEqual({});
      } else {
        expect(nextActions(action), action.Identifier).not.toHaveLength(0);
      }
    }
  });

  it('reaches every action from the start and a disconnect from every action', () => {
    expect(reachableFrom(flow.StartAction).size).toBe(flow.Actions.length);
    for (const action of flow.Actions) {
      const ends = [...reachableFrom(action.Identifier)].filter(
        (id) => byId.get(id)?.Type === 'DisconnectParticipant',
      );
      expect(ends, action.Identifier).not.toHaveLength(0);
    }
  });

  it('invokes exactly one Lambda: the placeholder ARN, STRING_MAP, 8 s, ContactId and SecurityUser', () => {
    const invokes = actionsOfType('InvokeLambdaFunction');
    expect(invokes).toHaveLength(1);
    const [invoke] = invokes;
    expect(invoke?.Parameters).toEqual({
      LambdaFunctionARN: arnPlaceholder,
      InvocationTimeLimitSeconds: '8',
      LambdaInvocationAttributes: {
        ContactId: '$.Attributes.TargetContactId',
        SecurityUser: '$.Attributes.SecurityUser',
      },
      ResponseValidation: { ResponseType: 'STRING_MAP' },
    });
    expect(invoke?.Transitions.Errors?.map((e) => e.ErrorType)).toContain('NoMatchingError');
  });

  it('branches on $.External.Branch with one condition for each branch of the function', () => {
    const compares = actionsOfType('Compare').filter(
      (action) => action.Parameters.ComparisonValue === '$.External.Branch',
    );
    expect(compares).toHaveLength(1);
    const conditions = compares[0]?.Transitions.Conditions ?? [];
    expect(conditions.map((c) => c.Condition)).toEqual(
      branches.map((branch) => ({ Operator: 'Equals', Operands: [branch] })),
    );
    expect(compares[0]?.Transitions.Errors?.map((e) => e.ErrorType)).toContain(
      'NoMatchingCondition',
    );
  });

  it('tells the participant what happened on each branch before disconnecting', () => {
    const compare = actionsOfType('Compare')[0];
    const targets = compare ? nextActions(compare) : [];
    expect(new Set(targets).size).toBe(branches.length + 1);
    for (const target of targets) {
      const prompt = byId.get(target);
      expect(prompt?.Type).toBe('MessageParticipant');
      expect(prompt?.Parameters.Text).toEqual(expect.any(String));
      expect(byId.get(prompt?.Transitions.NextAction ?? '')?.Type).toBe('DisconnectParticipant');
    }
  });

  it('contains no Fn::Sub token other than the function ARN placeholder', () => {
    expect(text.match(/\$\{[^}]*\}/g)).toEqual([arnPlaceholder]);
  });
});
