import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../local/connect/index.js';
import type { SampleFlowAnswer } from '../../local/flow-door.js';
import { type LocalSystem, startLocalSystem } from '../../local/system.js';
import { instanceArn, synthesize } from '../lib/helpers.js';
import { synthesizedContent } from '../support/synthesized-flows.js';

const c = DEMO_IDS.contacts;

// The exact texts `cdk synth` deploys, read from the template: no second copy of the module.
function deployedFlowTexts() {
  const { template } = synthesize({ instanceArn, sampleFlow: 'true' });
  const [module] = Object.values(template.findResources('AWS::Connect::ContactFlowModule'));
  return {
    module: synthesizedContent(template, 'AWS::Connect::ContactFlowModule').text,
    moduleSettings: module?.Properties.Settings as string,
    flow: synthesizedContent(
      template,
      'AWS::Connect::ContactFlow',
      'End a Contact (sample) via module',
    ).text,
  };
}

describe('the sample flow calling the End a Contact module (POST /flow/run)', () => {
  let system: LocalSystem;

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, connectPort: 0, flows: deployedFlowTexts() });
  });

  afterAll(() => system.close());

  async function runFlow(attributes: Record<string, string>): Promise<SampleFlowAnswer> {
    const response = await fetch(`${system.url}/flow/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(attributes),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as SampleFlowAnswer;
  }

  it('takes OnSuccess and outputs TerminateScript when a supervisor ends a queued chat', async () => {
    const answer = await runFlow({ TargetContactId: c.chatQueued, SecurityUser: 'sam.supervisor' });

    expect(answer.branch).toBe('OnSuccess');
    expect(answer.outputs).toEqual({ DisconnectReason: 'TerminateScript' });
    expect(answer.path).toEqual([
      'flow:end-a-contact',
      'module:invoke-end-contact',
      'module:check-branch',
      'module:return-OnSuccess',
      'flow:check-module-branch',
      'flow:say-OnSuccess',
      'flow:disconnect',
    ]);
    expect(answer.prompts).toEqual(['The contact has been ended.']);
    expect(answer.disconnected).toBe(true);
  });

  it('takes OnInvalidContactID when ContactId is missing, as CXone does', async () => {
    const answer = await runFlow({ SecurityUser: 'sam.supervisor' });

    expect(answer.branch).toBe('OnInvalidContactID');
    expect(answer.outputs.ErrorCode).toBe('ValidationException');
    expect(answer.prompts[0]).toMatch(/contact ID is missing or invalid/);
  });

  it('takes OnUnauthorized when the SecurityUser may not end contacts', async () => {
    const answer = await runFlow({ TargetContactId: c.taskQueued, SecurityUser: 'alex.agent' });

    expect(answer.branch).toBe('OnUnauthorized');
    expect(answer.path).toContain('flow:say-OnUnauthorized');
  });

  it('takes OnInvalidSecurityUser when the SecurityUser is no user of the instance', async () => {
    const answer = await runFlow({ TargetContactId: c.taskQueued, SecurityUser: 'nobody.here' });

    expect(answer.branch).toBe('OnInvalidSecurityUser');
    expect(answer.outputs.ErrorMessage).toBeTruthy();
  });

  it('takes Default with the error when Connect refuses to stop a transferred call', async () => {
    const answer = await runFlow({
      TargetContactId: c.transferredCallQueued,
      SecurityUser: 'sam.supervisor',
    });

    expect(answer.branch).toBe('Default');
    expect(answer.outputs.ErrorCode).toBe('InvalidRequestException');
    expect(answer.prompts).toEqual(['The contact could not be ended. Please try again later.']);
  });

  it('takes Default with ErrorMessage naming InstanceId when it is malformed', async () => {
    const answer = await runFlow({
      TargetContactId: c.taskQueued,
      SecurityUser: 'sam.supervisor',
      TargetInstanceId: 'not an instance',
    });

    expect(answer.branch).toBe('Default');
    expect(answer.outputs.ErrorMessage).toMatch(/InstanceId/);
  });

  it('refuses a body that is not a JSON object of strings, naming what to send', async () => {
    const response = await fetch(`${system.url}/flow/run`, { method: 'POST', body: '[1]' });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: /TargetContactId/ });
  });
});
