import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FlowDocument,
  FlowDocumentError,
  parseFlowDocument,
} from '../../../local/connect/flow-document.js';
import { FlowRunError, runFlow } from '../../../local/connect/flow-runner.js';
import { instanceArn, synthesize } from '../../lib/helpers.js';
import { substitute, synthesizedContent } from '../../support/synthesized-flows.js';

const functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:end-contact';
const contact = { ContactId: 'c-1', InstanceARN: instanceArn };

function flowOf(actions: unknown[], start = 'a'): string {
  return JSON.stringify({ Version: '2019-10-30', StartAction: start, Actions: actions });
}

const say = (id: string, next?: string) => ({
  Identifier: id,
  Type: 'MessageParticipant',
  Parameters: { Text: id },
  Transitions: next ? { NextAction: next } : {},
});

describe('parseFlowDocument', () => {
  it('refuses text that is not JSON, naming the flow', () => {
    expect(() => parseFlowDocument('{"Version":', 'flow x.json')).toThrow(
      /^flow x.json is not JSON/,
    );
  });

  it('refuses an unknown action type, naming the type and the action Identifier', () => {
    const text = flowOf([
      { Identifier: 'a', Type: 'PlayPromptz', Parameters: {}, Transitions: {} },
    ]);

    expect(() => parseFlowDocument(text, 'flow x.json')).toThrow(
      new FlowDocumentError(
        'flow x.json: action "a" has Type "PlayPromptz", which the local flow runner does not know (it runs InvokeLambdaFunction, Compare, UpdateContactAttributes, MessageParticipant, DisconnectParticipant, InvokeFlowModule, EndFlowModuleExecution)',
      ),
    );
  });

  it('refuses a transition to a missing Identifier, naming the target', () => {
    const text = flowOf([say('a', 'nowhere')]);

    expect(() => parseFlowDocument(text, 'flow x.json')).toThrow(
      'flow x.json: action "a" transitions to "nowhere", which is not the Identifier of any action',
    );
  });

  it('refuses a StartAction that names no action', () => {
    expect(() => parseFlowDocument(flowOf([say('a')], 'b'), 'flow x.json')).toThrow(
      /StartAction "b" is not the Identifier of any action/,
    );
  });
});

describe('runFlow', () => {
  let module: FlowDocument;

  beforeAll(() => {
    const { template } = synthesize({ instanceArn });
    const { text } = synthesizedContent(template, 'AWS::Connect::ContactFlowModule');
    module = parseFlowDocument(substitute(text, { EndContactFunctionArn: functionArn }), 'module');
  });

  const caller = () =>
    parseFlowDocument(
      flowOf([
        {
          Identifier: 'a',
          Type: 'InvokeFlowModule',
          Parameters: { FlowModuleId: 'm', ModuleInput: { ContactId: '$.Attributes.Target' } },
          Transitions: {
            NextAction: 'ok',
            Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'failed' }],
          },
        },
        say('ok', 'bye'),
        say('failed', 'bye'),
        { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ]),
      'caller',
    );

  it("takes the module's error path when the function fails", async () => {
    const run = await runFlow(caller(), 'flow', {
      contact,
      modules: { m: module },
      invokeLambda: async () => {
        throw new Error('Lambda timed out');
      },
    });

    expect(run.modules).toEqual([
      {
        module: 'module',
        branch: 'Error',
        outputs: {
          ErrorCode: 'LambdaError',
          ErrorMessage: 'The end-contact function failed or timed out.',
        },
      },
    ]);
    expect(run.prompts).toEqual(['failed']);
  });

  it('passes the module inputs to the function as its parameters', async () => {
    const seen: unknown[] = [];
    await runFlow(caller(), 'flow', {
      contact: { ...contact, Attributes: { Target: 'c-9' } },
      modules: { m: module },
      invokeLambda: async (arn, event) => {
        seen.push([arn, event.Details.Parameters]);
        return { Branch: 'OnSuccess', DisconnectReason: 'TerminateScript' };
      },
    });

    expect(seen).toEqual([
      [
        functionArn,
        { ContactId: 'c-9', SecurityUser: '', InstanceId: '', DisconnectReasonCode: '' },
      ],
    ]);
  });

  it('refuses to invoke a module it was not given, naming the module', async () => {
    await expect(
      runFlow(caller(), 'flow', { contact, invokeLambda: async () => ({}) }),
    ).rejects.toThrow(
      new FlowRunError(
        'flow: action "a" invokes the flow module "m", which the runner was not given',
      ),
    );
  });

  it('stops a flow that loops, naming the last block', async () => {
    const loop = parseFlowDocument(flowOf([say('a', 'a')]), 'loop');

    await expect(
      runFlow(loop, 'loop', { contact, invokeLambda: async () => ({}), maxSteps: 5 }),
    ).rejects.toThrow(/more than 5 blocks run, last "a"/);
  });
});
