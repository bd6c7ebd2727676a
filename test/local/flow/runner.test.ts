import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FlowDocument,
  parseFlowDocument,
  parseFlowModule,
} from '../../../local/flow/document.js';
import { FlowRunError, runFlow } from '../../../local/flow/runner.js';
import { instanceArn, synthesize } from '../../lib/helpers.js';
import { substitute, synthesizedContent } from '../../support/synthesized-flows.js';
import { flowOf, functionArn, say } from './support.js';

const contact = { ContactId: 'c-1', InstanceARN: instanceArn };

describe('runFlow', () => {
  let module: FlowDocument;

  beforeAll(() => {
    const { template } = synthesize({ instanceArn });
    const { text } = synthesizedContent(template, 'AWS::Connect::ContactFlowModule');
    const [resource] = Object.values(template.findResources('AWS::Connect::ContactFlowModule'));
    module = parseFlowModule(
      substitute(text, { EndContactFunctionArn: functionArn }),
      resource?.Properties.Settings,
      'module',
    );
  });

  const caller = () =>
    parseFlowDocument(
      flowOf([
        {
          Identifier: 'a',
          Type: 'InvokeFlowModule',
          Parameters: { FlowModuleId: 'm' },
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

  it("passes the Invoke module block's inputs, given beside the flow, to the function as its parameters", async () => {
    const seen: unknown[] = [];
    await runFlow(caller(), 'flow', {
      contact: { ...contact, Attributes: { Target: 'c-9' } },
      modules: { m: module },
      moduleInputs: { a: { ContactId: '$.Attributes.Target' } },
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
