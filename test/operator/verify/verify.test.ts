import { describe, expect, it, vi } from 'vitest';
import {
  type EndToEndTarget,
  failed,
  type VerifyTarget,
  verifyDeployment,
} from '../../../operator/verify/verify.js';

const instance = '11111111-2222-4333-8444-555555555555';
const arn = (resource: string) =>
  `arn:aws:connect:eu-west-2:111122223333:instance/${instance}${resource}`;
const endContactArn = 'arn:aws:lambda:eu-west-2:111122223333:function:stack-EndContact-abc';

/** A deployed stack with a module and a sample flow, every call answering as a good deploy does. */
function fakeTarget(overrides: Partial<VerifyTarget> = {}): VerifyTarget {
  return {
    label: 'fake',
    stack: async () => ({
      name: 'AmazonConnectEndContact',
      status: 'UPDATE_COMPLETE',
      region: 'eu-west-2',
      accountId: '111122223333',
      outputs: {
        CallbackTableName: 'callbacks',
        SweptInstanceIds: instance,
        EndContactFunctionArn: endContactArn,
        FlowModuleArn: arn('/flow-module/m-1'),
        SampleFlowArn: arn('/contact-flow/f-1'),
      },
    }),
    roleOf: async () => 'arn:aws:iam::111122223333:role/stack-EndContactRole',
    simulate: async (_role, actions, resources) =>
      actions.flatMap((action) =>
        resources.map((resource) => ({ action, resource, decision: 'allowed' as const })),
      ),
    lambdaFunctions: async () => [endContactArn],
    describeFlowModule: async () => ({ status: 'PUBLISHED', state: 'ACTIVE' }),
    describeFlow: async () => ({ status: 'PUBLISHED', state: 'ACTIVE' }),
    newestQueuedWrite: async () => undefined,
    reportSweep: async () => ({ runId: 'r-1', candidates: 0 }),
    now: () => Date.now(),
    close: async () => undefined,
    ...overrides,
  };
}

describe('verifyDeployment', () => {
  it('says ok for a good deploy, and that it could not tell the tracker with nothing queued', async () => {
    const results = await verifyDeployment(fakeTarget());

    expect(failed(results)).toBe(false);
    expect(results.find((r) => r.check === 'tracker writes')?.status).toBe('unknown');
    expect(results.find((r) => r.check.startsWith('flow module'))?.status).toBe('ok');
  });

  it('fails the sample flow check when the flow is saved but not published, with the fix', async () => {
    const results = await verifyDeployment(
      fakeTarget({ describeFlow: async () => ({ status: 'SAVED', state: 'ACTIVE' }) }),
    );

    expect(results.find((r) => r.check.startsWith('sample flow'))).toMatchObject({
      status: 'FAIL',
      fix: expect.stringMatching(/publish the sample flow/),
    });
  });

  it('fails the association check when the instance does not list the function', async () => {
    const results = await verifyDeployment(fakeTarget({ lambdaFunctions: async () => [] }));

    expect(results.find((r) => r.check.startsWith('Lambda in instance'))?.status).toBe('FAIL');
  });

  it('ends a task end to end in the sample flow and leaves nothing behind', async () => {
    const endToEnd: EndToEndTarget = {
      startsInFlow: true,
      startTask: vi.fn(async () => 'task-1'),
      invokeEndContact: vi.fn(async () => 'OnSuccess'),
      describeContact: async () => ({ disconnectedAt: '2025-01-01T00:00:00.000Z' }),
      stopContact: vi.fn(async () => undefined),
    };

    const results = await verifyDeployment(fakeTarget({ endToEnd }), {
      endToEnd: { queueId: 'q-1' },
    });

    expect(results.at(-1)).toMatchObject({ check: 'end to end', status: 'ok' });
    expect(endToEnd.startTask).toHaveBeenCalledWith({
      instanceId: instance,
      queueId: 'q-1',
      flowId: 'f-1',
    });
    expect(endToEnd.invokeEndContact).toHaveBeenCalledWith(endContactArn, {
      instanceId: instance,
      contactId: 'task-1',
    });
    expect(endToEnd.stopContact).not.toHaveBeenCalled();
  });

  it('stops the task it started when the function does not end it', async () => {
    const endToEnd: EndToEndTarget = {
      startsInFlow: true,
      startTask: async () => 'task-1',
      invokeEndContact: async () => 'OnError',
      describeContact: async () => ({}),
      stopContact: vi.fn(async () => undefined),
    };

    const results = await verifyDeployment(fakeTarget({ endToEnd }), {
      endToEnd: { queueId: 'q-1' },
    });

    expect(results.at(-1)).toMatchObject({ check: 'end to end', status: 'FAIL' });
    expect(endToEnd.stopContact).toHaveBeenCalledWith(instance, 'task-1');
  });
});
