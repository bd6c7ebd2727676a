import { DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SweepReport } from '../../../lambdas/core/sweeper/report.js';
import { DEMO_IDS, demoScenario } from '../../../local/connect/index.js';
import { type LocalSystem, startLocalSystem } from '../../../local/system.js';
import type { OperatorApi } from '../../../operator/core/api.js';
import { OperatorInputError } from '../../../operator/core/errors.js';
import { createOperatorApi } from '../../../operator/core/operator.js';
import { connectLocal } from '../../../operator/core/target.js';

const { instanceId, queues, contacts, users, secondInstance: second } = DEMO_IDS;
const mutating = ['StopContact', 'TagContact', 'UpdateContactAttributes'];
const operator = { requestedBy: 'arn:aws:sts::123456789012:assumed-role/Ops/alice' };

// The operator core over the real SDK, against the system `npm start` runs (local Connect, dynalite).
describe('the operator API on the local system', () => {
  let system: LocalSystem;
  let api: OperatorApi;
  let dynamo: DynamoDBClient;

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, connectPort: 0 });
    api = createOperatorApi(await connectLocal(system.url));
    dynamo = new DynamoDBClient({
      endpoint: system.dynamoDbEndpoint,
      region: system.connect.region,
      // The test's own reads and writes: the runner's key, not a function's or the operator's.
      credentials: system.iam.adminCredentials,
    });
  });

  afterAll(async () => {
    await api.close();
    dynamo.destroy();
    await system.close();
  });

  beforeEach(async () => {
    await system.connect.reset(demoScenario());
    await system.settled();
  });

  const registryItems = async () =>
    (await dynamo.send(new ScanCommand({ TableName: api.target.tableName }))).Items ?? [];

  it('finds the local target through the runner: its instance, its table, and "local operator"', async () => {
    const connection = await connectLocal(system.url);

    expect(connection.target).toMatchObject({
      kind: 'local',
      instanceIds: [instanceId, second.instanceId],
      tableName: 'callbacks',
    });
    expect(connection.requestedBy).toBe('local operator');
  });

  it("shows each queue's tracked callbacks beside Connect's figures, and flags a queue none explains", async () => {
    // The registry lost the oldest callback of the general queue (as lost events would).
    await dynamo.send(
      new DeleteItemCommand({
        TableName: api.target.tableName,
        Key: { contactId: { S: contacts.callbackQueued26h } },
      }),
    );

    const overview = await api.queues();

    const general = overview.find((q) => q.queueId === queues.general);
    const billing = overview.find((q) => q.queueId === queues.billing);
    expect(general).toMatchObject({ trackedCallbacks: 1, unexplained: true });
    expect(general?.oldestContactAgeMs).toBeGreaterThan(25 * 3_600_000);
    expect(billing).toMatchObject({ trackedCallbacks: 2, contactsInQueue: 2, unexplained: false });
    expect(billing?.oldestTrackedAgeMs).toBeGreaterThan(71 * 3_600_000);
  });

  it('lists tracked callbacks oldest first, filtered by queue and age', async () => {
    const all = await api.callbacks();
    const oldBilling = await api.callbacks({ queueIds: [queues.billing], olderThanMs: 3_600_000 });

    expect(all.map((c) => c.ageMs)).toEqual([...all.map((c) => c.ageMs)].sort((a, b) => b - a));
    expect(oldBilling.map((c) => c.contactId)).toEqual([contacts.callbackQueued3d]);
  });

  it('refuses a queue Connect does not know, naming it', async () => {
    const unknownQueue = 'de300000-0000-4000-8000-0000000000ff';

    await expect(api.callbacks({ queueIds: [unknownQueue] })).rejects.toThrow(OperatorInputError);
    await expect(api.callbacks({ queueIds: [unknownQueue] })).rejects.toThrow(unknownQueue);
  });

  it('previews what the sweeper would end and writes nothing, in Connect or in the registry', async () => {
    const before = await registryItems();
    system.connect.clearRequestLog();

    const report = await api.preview({ maxQueuedAgeMs: 3_600_000 });

    expect(report.mode).toBe('report');
    // Three in the first demo instance, two in the second: the target sweeps both.
    const wouldEnd = report.decisions.filter((d) => d.decision === 'would-end');
    expect(wouldEnd.filter((d) => d.instanceId === instanceId)).toHaveLength(3);
    expect(wouldEnd.filter((d) => d.instanceId === second.instanceId)).toHaveLength(2);
    const sent = system.connect.requestLog().map((entry) => entry.operation);
    expect(sent.filter((operation) => mutating.includes(operation))).toEqual([]);
    expect(await registryItems()).toEqual(before);
  });

  it('ends chosen callbacks whatever their age in a deployment without sweep policies whose sweepMode is report, skips one an agent answered meanwhile, and audits who asked', async () => {
    const chosen = [contacts.callbackQueued45m, contacts.callbackQueued10m];
    // Between the operator's list and the end, an agent answers one of them.
    system.connect.actions.connectToAgent(instanceId, contacts.callbackQueued10m, users.alexAgent);
    await system.settled();
    const seen: string[] = [];

    const report = await api.endSelected(chosen, {
      ...operator,
      onDecision: (decision, done, total) => seen.push(`${done}/${total} ${decision.decision}`),
    });

    expect(report.decisions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          contactId: contacts.callbackQueued45m,
          decision: 'ended',
          reason: 'selected',
        }),
        expect.objectContaining({
          contactId: contacts.callbackQueued10m,
          decision: 'skipped',
          reason: 'connected-to-agent',
        }),
      ]),
    );
    expect(seen.sort()).toEqual(['1/2 ended', '2/2 skipped']);
    const stops = system.connect.requestLog().filter((entry) => entry.operation === 'StopContact');
    expect(stops).toHaveLength(1);
    const [latest] = await api.audit(10);
    expect(latest).toMatchObject({
      contactId: contacts.callbackQueued45m,
      instanceId,
      kind: 'ended',
      reason: 'selected',
      requestedBy: operator.requestedBy,
    });
  });

  it('refuses to end a contact the registry does not track, and ends nothing', async () => {
    system.connect.clearRequestLog();

    await expect(
      api.endSelected([contacts.callbackQueued3d, contacts.chatQueued], operator),
    ).rejects.toThrow(`not a callback`);

    expect(system.connect.requestLog().map((entry) => entry.operation)).not.toContain(
      'StopContact',
    );
  });

  it("ends any contact with End a Contact, as the SecurityUser's permissions allow", async () => {
    const refused = await api.endContact({
      contactId: contacts.chatQueued,
      instanceId,
      securityUser: 'alex.agent',
    });
    const ended = await api.endContact({
      contactId: contacts.chatQueued,
      instanceId,
      securityUser: 'sam.supervisor',
    });

    expect(refused).toMatchObject({ kind: 'unauthorized' });
    expect(ended).toEqual({ kind: 'stopped' });
  });

  it.each([
    ['another account', '210987654321', () => system.connect.region, /is in account 210987654321/],
    ['another Region', () => system.connect.accountId, 'eu-west-2', /is in Region eu-west-2/],
  ])(
    'finding 4: refuses instance and queue ARNs of %s at the operator doors, and calls nothing',
    async (_, account, region, message) => {
      const accountId = typeof account === 'function' ? account() : account;
      const regionName = typeof region === 'function' ? region() : region;
      const arn = `arn:aws:connect:${regionName}:${accountId}:instance/${instanceId}`;
      system.connect.clearRequestLog();

      await expect(
        api.endContact({ contactId: contacts.chatQueued, instanceId: arn, securityUser: 'admin' }),
      ).rejects.toThrow(message);
      await expect(api.callbacks({ queueIds: [`${arn}/queue/${queues.billing}`] })).rejects.toThrow(
        message,
      );
      await expect(
        api.preview({ queueAllowList: [`${arn}/queue/${queues.billing}`] }),
      ).rejects.toThrow(message);
      await expect(connectLocal(system.url, [arn])).rejects.toThrow(message);

      expect(system.connect.requestLog()).toEqual([]);
    },
  );
});

// With sweep policies, each rule's mode binds an operator's end too.
describe('the operator API on a local system with sweep policies', () => {
  let system: LocalSystem;
  let api: OperatorApi;

  beforeAll(async () => {
    system = await startLocalSystem({
      port: 0,
      connectPort: 0,
      environment: {
        ...process.env,
        // Billing is a report-mode rule, general an end rule; no rule names tech support.
        SWEEP_POLICIES: JSON.stringify([
          { name: 'billing', queues: [queues.billing], mode: 'report' },
          { name: 'general', queues: [queues.general], mode: 'end' },
        ]),
      },
    });
    api = createOperatorApi(await connectLocal(system.url));
  });

  afterAll(async () => {
    await api.close();
    await system.close();
  });

  beforeEach(async () => {
    await system.connect.reset(demoScenario());
    await system.settled();
    system.connect.clearRequestLog();
  });

  const stopped = () =>
    system.connect
      .requestLog()
      .filter((entry) => entry.operation === 'StopContact')
      .map((entry) => entry.contactId);
  // Both rules name queues of the first demo instance: the second's callbacks match none.
  const secondInstanceLeftAlone = {
    [second.contacts.callbackQueued2d]: '- skipped no-rule',
    [second.contacts.callbackQueued28h]: '- skipped no-rule',
  };
  const decided = (report: SweepReport) =>
    Object.fromEntries(
      report.decisions.map((d) => [d.contactId, `${d.rule ?? '-'} ${d.decision} ${d.reason}`]),
    );

  it("previews exactly what its end would end: a report-mode rule's callback is skipped, and nothing is written", async () => {
    const report = await api.preview();

    expect(report.mode).toBe('report');
    expect(stopped()).toEqual([]);
    expect(decided(report)).toEqual({
      [contacts.callbackQueued3d]: 'billing skipped report-rule',
      [contacts.callbackQueued26h]: 'general would-end queued-too-long',
      [contacts.callbackQueued30h]: '- skipped no-rule',
      ...secondInstanceLeftAlone,
    });
  });

  it("ends in a sweep only what an end rule decides: a report-mode rule's callback, and one no rule matches, are left alone", async () => {
    const report = await api.sweep({}, operator);

    expect(stopped()).toEqual([contacts.callbackQueued26h]);
    expect(decided(report)).toEqual({
      [contacts.callbackQueued3d]: 'billing skipped report-rule',
      [contacts.callbackQueued26h]: 'general ended queued-too-long',
      [contacts.callbackQueued30h]: '- skipped no-rule',
      ...secondInstanceLeftAlone,
    });
  });

  it("ends of an operator's selection only what an end rule decides, whatever its age", async () => {
    const chosen = [
      contacts.callbackQueued3d,
      contacts.callbackQueued10m,
      contacts.callbackQueued30h,
    ];

    const report = await api.endSelected(chosen, operator);

    expect(stopped()).toEqual([contacts.callbackQueued10m]);
    expect(decided(report)).toEqual({
      [contacts.callbackQueued3d]: 'billing skipped report-rule',
      [contacts.callbackQueued10m]: 'general ended selected',
      [contacts.callbackQueued30h]: '- skipped no-rule',
    });
  });

  it('refuses a rule or schedule the policies do not have, naming the ones they have', async () => {
    await expect(api.sweep({ schedule: 'closing' }, operator)).rejects.toThrow(
      new OperatorInputError(
        'schedule names "closing", which is not a scheduled clear of the sweep policies: the schedules are none',
      ),
    );
    expect(stopped()).toEqual([]);
  });
});
