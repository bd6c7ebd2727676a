import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweeperResult } from '../../lambdas/callback-sweeper/callback-sweeper.js';
import { DEMO_IDS } from '../../local/connect/index.js';
import { type LocalSystem, startLocalSystem } from '../../local/system.js';

const first = DEMO_IDS;
const second = DEMO_IDS.secondInstance;

/** Every item of the demo's callback registry (dynalite). */
async function registryItems(system: LocalSystem): Promise<unknown[]> {
  const client = new DynamoDBClient({
    endpoint: system.dynamoDbEndpoint,
    region: system.connect.region,
    // The runner's own key: a Scan is no function's call, and local IAM would refuse it to them.
    credentials: system.iam.adminCredentials,
  });
  try {
    return (await client.send(new ScanCommand({ TableName: 'callbacks' }))).Items ?? [];
  } finally {
    client.destroy();
  }
}

/** The contact IDs a run would end, by instance. */
function wouldEnd(report: SweeperResult): Record<string, string[]> {
  if (!('decisions' in report)) throw new Error(`the sweep was refused: ${report.message}`);
  const byInstance: Record<string, string[]> = {};
  for (const decision of report.decisions) {
    if (decision.decision !== 'would-end') continue;
    byInstance[decision.instanceId] = [
      ...(byInstance[decision.instanceId] ?? []),
      decision.contactId,
    ];
  }
  for (const ids of Object.values(byInstance)) ids.sort();
  return byInstance;
}

// `npm start` serves the demo's two instances, as a stack with instanceArns of one Region would.
describe('the local system with the demo’s two instances', () => {
  let system: LocalSystem;

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, connectPort: 0 });
  });

  afterAll(() => system.close());

  it('seeds a second instance with queues, users and callbacks of its own', () => {
    const state = system.connect.state() as { instances: { id: string; alias: string }[] };
    expect(state.instances.map((i) => i.id)).toEqual([first.instanceId, second.instanceId]);
    expect(system.instanceIds).toEqual([first.instanceId, second.instanceId]);
  });

  it('sweeps both instances in one run, each for its own stuck callbacks, and is never throttled', async () => {
    system.connect.clearRequestLog();

    const report = await system.sweep();

    // Both instances' discovery searches share SearchContacts' 0.5/s, burst 1.
    expect(system.connect.requestLog().filter((entry) => entry.status === 429)).toEqual([]);
    expect(
      system.connect.requestLog().filter((e) => e.operation === 'SearchContacts'),
    ).toHaveLength(2);
    expect(report).toMatchObject({
      mode: 'report',
      complete: true,
      instanceIds: [first.instanceId, second.instanceId],
    });
    expect(wouldEnd(report)).toEqual({
      [first.instanceId]: [
        first.contacts.callbackQueued3d,
        first.contacts.callbackQueued26h,
        first.contacts.callbackQueued30h,
      ].sort(),
      [second.instanceId]: [
        second.contacts.callbackQueued2d,
        second.contacts.callbackQueued28h,
      ].sort(),
    });
  });

  it('tracks a callback queued in the second instance while it runs, and reports it once stuck', async () => {
    const { connect } = system;
    const callback = connect.actions.queueCallback(second.instanceId, {
      queueId: second.queues.returns,
      customerPhoneNumber: '+15555550288',
    });
    connect.clock.advance(25 * 3_600_000);
    await system.settled();

    const report = await system.sweep();

    expect(wouldEnd(report)[second.instanceId]).toContain(callback.id);
  });

  it("leaves an instance it does not sweep alone, as the stack's rule does", async () => {
    const { connect } = system;
    const other = connect.seed.instance({ alias: 'not-swept' });
    const queue = connect.seed.queue(other.id, { name: 'Elsewhere' });
    const callback = connect.actions.queueCallback(other.id, {
      queueId: queue.id,
      customerPhoneNumber: '+15555550388',
    });
    connect.clock.advance(25 * 3_600_000);
    await system.settled();

    const report = await system.sweep();

    expect(report).toMatchObject({ instanceIds: [first.instanceId, second.instanceId] });
    expect(Object.values(wouldEnd(report)).flat()).not.toContain(callback.id);
    const registry = JSON.stringify(await registryItems(system));
    expect(registry).toContain(second.contacts.callbackQueued2d);
    expect(registry).not.toContain(callback.id);
  });

  it("ends a contact of the second instance from a flow, with that instance's SecurityUser", async () => {
    const response = await fetch(`${system.url}/flow/end-contact`, {
      method: 'POST',
      body: JSON.stringify({
        ContactId: second.contacts.chatQueued,
        InstanceId: second.instanceId,
        SecurityUser: 'sky.supervisor',
      }),
    });

    expect(await response.json()).toEqual({
      Branch: 'OnSuccess',
      DisconnectReason: 'TerminateScript',
    });
  });
});
