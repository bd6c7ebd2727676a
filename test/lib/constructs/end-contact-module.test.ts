import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizedContent } from '../../support/synthesized-flows.js';
import { instanceArn, type Synthesized, synthesize } from '../helpers.js';

const cxoneBranches = [
  'OnSuccess',
  'OnInvalidContactID',
  'OnUnauthorized',
  'OnInvalidSecurityUser',
  'Default',
];

describe('EndContactModule', () => {
  let synthesized: Synthesized;
  let template: Template;

  beforeAll(() => {
    synthesized = synthesize({ instanceArn, sampleFlow: 'true' });
    template = synthesized.template;
  });

  it('synthesizes with an instance and no cdk-nag finding', () => {
    expect(synthesized.synthError).toBeUndefined();
  });

  it('deploys one End a Contact module, closed to AI agents by default', () => {
    template.resourceCountIs('AWS::Connect::ContactFlowModule', 1);
    template.hasResource('AWS::Connect::ContactFlowModule', {
      Properties: {
        InstanceArn: instanceArn,
        Name: 'End a Contact',
        State: 'ACTIVE',
        ExternalInvocationConfiguration: { Enabled: false },
      },
      DependsOn: [Match.stringLikeRegexp('IntegrationAssociation')],
    });
    template.hasOutput('FlowModuleArn', {
      Value: { 'Fn::GetAtt': [Match.anyValue(), 'ContactFlowModuleArn'] },
    });
  });

  it("declares CXone's properties as inputs, with ContactId required", () => {
    const settings = JSON.parse(
      Object.values(template.findResources('AWS::Connect::ContactFlowModule'))[0]?.Properties
        .Settings,
    );
    expect(Object.keys(settings.input.schema.properties)).toEqual([
      'ContactId',
      'SecurityUser',
      'InstanceId',
      'DisconnectReasonCode',
    ]);
    expect(settings.input.schema.required).toEqual(['ContactId']);
    expect(Object.keys(settings.resultData.schema.properties)).toEqual([
      'DisconnectReason',
      'ErrorCode',
      'ErrorMessage',
    ]);
    expect(settings.transitions.results.map((r: { name: string }) => r.name)).toEqual(
      cxoneBranches,
    );
  });

  it('invokes the flow function inside the module and returns each of its branches', () => {
    const { text, variables } = synthesizedContent(template, 'AWS::Connect::ContactFlowModule');
    expect(Object.keys(variables)).toEqual(['EndContactFunctionArn']);
    const content = JSON.parse(text);
    const returned = content.Actions.filter(
      (a: { Type: string }) => a.Type === 'EndFlowModuleExecution',
    ).map((a: { Parameters: { Result: string } }) => a.Parameters.Result);
    expect(returned).toEqual([...cxoneBranches, 'Error']);
  });

  it('has the sample flow call the module by its ARN', () => {
    const { variables } = synthesizedContent(
      template,
      'AWS::Connect::ContactFlow',
      'End a Contact (sample) via module',
    );
    expect(variables).toEqual({
      EndContactModuleId: { 'Fn::GetAtt': [expect.any(String), 'ContactFlowModuleArn'] },
    });
  });

  it("declares in the content's Settings the same branches, with their descriptions, and Connect's Error", () => {
    const { text } = synthesizedContent(template, 'AWS::Connect::ContactFlowModule');
    const settings = JSON.parse(
      Object.values(template.findResources('AWS::Connect::ContactFlowModule'))[0]?.Properties
        .Settings,
    );
    const transitions = JSON.parse(text).Settings.Transitions;

    expect(transitions.slice(0, -1)).toEqual(
      settings.transitions.results.map((r: { name: string; description: string }) => ({
        DisplayName: r.name,
        ReferenceName: r.name,
        Description: r.description,
      })),
    );
    expect(transitions.at(-1)).toMatchObject({ ReferenceName: 'Error' });
  });

  it('publishes no module version while the module is closed to AI agents', () => {
    template.resourceCountIs('AWS::Connect::ContactFlowModuleVersion', 0);
  });

  describe('with flowModuleExternalInvocation true', () => {
    let open: Template;

    beforeAll(() => {
      open = synthesize({ instanceArn, flowModuleExternalInvocation: 'true' }).template;
    });

    it('opens the module to AI agents', () => {
      open.hasResourceProperties('AWS::Connect::ContactFlowModule', {
        ExternalInvocationConfiguration: { Enabled: true },
      });
    });

    it('replaces the closed module with a new one under its own name, since Connect takes the setting only at creation', () => {
      const logicalIds = (t: Template) =>
        Object.keys(t.findResources('AWS::Connect::ContactFlowModule'));
      const [closedId] = logicalIds(template);
      const [openId] = logicalIds(open);

      expect(openId).toBeDefined();
      expect(openId).not.toEqual(closedId);
      open.hasResourceProperties('AWS::Connect::ContactFlowModule', {
        Name: 'End a Contact (AI agents)',
      });
    });

    it('publishes a module version for the agents, with its ARN as a stack output', () => {
      open.resourceCountIs('AWS::Connect::ContactFlowModuleVersion', 1);
      open.hasResourceProperties('AWS::Connect::ContactFlowModuleVersion', {
        ContactFlowModuleId: { 'Fn::GetAtt': [Match.anyValue(), 'ContactFlowModuleArn'] },
        Description: Match.stringLikeRegexp('^End a Contact, content sha256 [0-9a-f]{16}$'),
      });
      open.hasOutput('FlowModuleVersionArn', {
        Value: { 'Fn::GetAtt': [Match.anyValue(), 'ContactFlowModuleVersionARN'] },
      });
    });
  });

  it('deploys no module when flowModule is false', () => {
    synthesize({ instanceArn, flowModule: 'false' }).template.resourceCountIs(
      'AWS::Connect::ContactFlowModule',
      0,
    );
  });

  it('fails synth with one line naming the key when flowModule is not a boolean', () => {
    expect(() => synthesize({ instanceArn, flowModule: 'sometimes' })).toThrow(
      /context key flowModule must be true or false/,
    );
  });
});
