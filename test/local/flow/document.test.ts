import { describe, expect, it } from 'vitest';
import {
  FlowDocumentError,
  parseFlowDocument,
  parseFlowModule,
} from '../../../local/flow/document.js';
import { instanceArn, synthesize } from '../../lib/helpers.js';
import { substitute, synthesizedContent } from '../../support/synthesized-flows.js';
import { flowOf, functionArn, say } from './support.js';

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

  it('refuses a parameter the flow language does not document for the action type, naming the action and the property', () => {
    const text = flowOf([
      {
        Identifier: 'a',
        Type: 'InvokeFlowModule',
        Parameters: { FlowModuleId: 'm', ModuleInput: { ContactId: '$.Attributes.Target' } },
        Transitions: {},
      },
    ]);

    expect(() => parseFlowDocument(text, 'flow x.json')).toThrow(
      new FlowDocumentError(
        'flow x.json: action "a" (InvokeFlowModule) has the parameter "ModuleInput", which the flow language does not document for InvokeFlowModule (it takes FlowModuleId)',
      ),
    );
  });
});

describe('parseFlowModule', () => {
  // A module of two branches, OnSuccess and Default, declared in both Settings.
  const apiSettings = {
    input: { schema: { type: 'object', properties: { ContactId: { type: 'string' } } } },
    resultData: { schema: { type: 'object', properties: { ErrorCode: { type: 'string' } } } },
    transitions: { results: [{ name: 'OnSuccess' }, { name: 'Default' }] },
  };
  const contentSettings = {
    InputParameters: [],
    OutputParameters: [],
    Transitions: ['OnSuccess', 'Default', 'Error'].map((name) => ({
      DisplayName: name,
      ReferenceName: name,
      Description: '',
    })),
  };
  const returns = (result: string) => ({
    Identifier: 'a',
    Type: 'EndFlowModuleExecution',
    Parameters: { Result: result, ResultData: { ErrorCode: '$.Modules.Input.ContactId' } },
    Transitions: {},
  });
  const moduleOf = (action: unknown, settings: unknown = contentSettings) =>
    JSON.stringify({
      Version: '2019-10-30',
      StartAction: 'a',
      Actions: [action],
      Settings: settings,
    });

  it('accepts a module whose content Settings match its API-level Settings', () => {
    const module = parseFlowModule(moduleOf(returns('OnSuccess')), apiSettings, 'module m');

    expect(module.Settings?.Transitions.map((t) => t.ReferenceName)).toEqual([
      'OnSuccess',
      'Default',
      'Error',
    ]);
  });

  it('refuses a module whose content has no Settings block, naming the module', () => {
    const text = JSON.stringify({
      Version: '2019-10-30',
      StartAction: 'a',
      Actions: [returns('OnSuccess')],
    });

    expect(() => parseFlowModule(text, apiSettings, 'module m')).toThrow(
      new FlowDocumentError(
        'module m: the content has no Settings block (InputParameters, OutputParameters, Transitions), which flow modules carry',
      ),
    );
  });

  it('refuses a module whose content Settings branches disagree with its API-level Settings, naming the branch', () => {
    const settings = { ...contentSettings, Transitions: contentSettings.Transitions.slice(1) };

    expect(() =>
      parseFlowModule(moduleOf(returns('Default'), settings), apiSettings, 'module m'),
    ).toThrow(
      'module m: the content Settings.Transitions lack "OnSuccess", a branch its API-level Settings declare (transitions.results)',
    );
  });

  it('refuses a module whose EndFlowModuleExecution returns an undeclared branch, naming the action', () => {
    expect(() => parseFlowModule(moduleOf(returns('Nope')), apiSettings, 'module m')).toThrow(
      new FlowDocumentError(
        'module m: action "a" (EndFlowModuleExecution) returns the Result "Nope", which no branch of the module declares (it declares OnSuccess, Default, Error)',
      ),
    );
  });

  it('refuses a ResultData output the API-level Settings do not declare, naming the action and the output', () => {
    const action = {
      ...returns('OnSuccess'),
      Parameters: { Result: 'OnSuccess', ResultData: { Why: 'x' } },
    };

    expect(() => parseFlowModule(moduleOf(action), apiSettings, 'module m')).toThrow(
      'module m: action "a" (EndFlowModuleExecution) sets the output "Why" in ResultData, which the module\'s Settings do not declare (resultData.schema: ErrorCode)',
    );
  });

  it('refuses a module that reads an input its API-level Settings do not declare, naming the action and the input', () => {
    const action = {
      ...returns('OnSuccess'),
      Parameters: { Result: 'OnSuccess', ResultData: { ErrorCode: '$.Modules.Input.ContactID' } },
    };

    expect(() => parseFlowModule(moduleOf(action), apiSettings, 'module m')).toThrow(
      'module m: action "a" (EndFlowModuleExecution) reads $.Modules.Input.ContactID, an input the module\'s Settings do not declare (input.schema: ContactId)',
    );
  });
});

describe('the flows cdk synth deploys', () => {
  it('passes the module, with its API-level Settings, and the sample flow that calls it', () => {
    const { template } = synthesize({ instanceArn, sampleFlow: 'true' });
    const [module] = Object.values(template.findResources('AWS::Connect::ContactFlowModule'));
    const content = synthesizedContent(template, 'AWS::Connect::ContactFlowModule');
    const flow = synthesizedContent(
      template,
      'AWS::Connect::ContactFlow',
      'End a Contact (sample) via module',
    );

    expect(() =>
      parseFlowModule(
        substitute(content.text, { EndContactFunctionArn: functionArn }),
        module?.Properties.Settings,
        'module',
      ),
    ).not.toThrow();
    expect(() =>
      parseFlowDocument(substitute(flow.text, { EndContactModuleId: 'm' }), 'flow'),
    ).not.toThrow();
  });
});
