import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS, demoScenario } from '../../../local/connect/index.js';
import { axeViolations } from '../../support/axe.js';
import {
  type ConsoleWorld,
  demoCallbacks,
  startConsoleWorld,
} from '../../support/console-world.js';

const { instanceId, queues, users } = DEMO_IDS;

describe('the operator console ending contacts (headless Chromium on npm start)', () => {
  let world: ConsoleWorld;

  beforeAll(async () => {
    world = await startConsoleWorld();
  });

  // Each test starts from the demo as npm start seeds it; the registry follows the reset.
  beforeEach(async () => {
    await world.connect.reset(demoScenario());
    await world.system.settled();
  });

  afterAll(() => world?.close());

  /** Waits for the job page the End led to, until its job is no longer running. */
  async function finishedJob(): Promise<Map<string, string>> {
    await world.page.waitForURL(/\/jobs\//);
    await world.page.locator('#job:not([data-status="running"])').waitFor();
    const rows = await world.page
      .getByRole('table', { name: /Result per contact/ })
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.children].map((cell) => cell.textContent?.trim() ?? '')),
      );
    return new Map(rows.map(([contactId, , result]) => [contactId ?? '', result ?? '']));
  }

  async function select(...contactIds: string[]): Promise<void> {
    for (const contactId of contactIds) {
      await world.page.getByRole('checkbox', { name: `Select ${contactId}` }).check();
    }
  }

  it('ends the selected callbacks after a confirmation, and the local Connect disconnects them', async () => {
    await world.open('/callbacks');

    await select(demoCallbacks.general26h, demoCallbacks.billing45m);
    await world.page.getByRole('button', { name: 'End selected…' }).click();
    await world.page.getByRole('button', { name: /Confirm: end 2 callback/ }).click();

    const results = await finishedJob();
    expect(results).toEqual(
      new Map([
        [demoCallbacks.general26h, 'ended'],
        [demoCallbacks.billing45m, 'ended'],
      ]),
    );
    expect(world.historyOf(demoCallbacks.general26h)).toContain('disconnected');
    expect(world.historyOf(demoCallbacks.billing45m)).toContain('disconnected');
    expect(world.historyOf(demoCallbacks.billing3d)).not.toContain('disconnected');
    expect(await axeViolations(world.page)).toEqual([]);
  });

  it('changes nothing until the End is confirmed', async () => {
    await world.open('/callbacks');
    world.connect.clearRequestLog();

    await select(demoCallbacks.general10m);
    await world.page.getByRole('button', { name: 'End selected…' }).click();

    await world.page.getByRole('button', { name: /Confirm/ }).waitFor();
    expect(world.connect.requestLog().map((entry) => entry.operation)).not.toContain('StopContact');
  });

  it('skips a callback an agent answered between the list and the End, saying so', async () => {
    await world.open('/callbacks');
    await select(demoCallbacks.billing3d);
    await world.page.getByRole('button', { name: 'End selected…' }).click();

    world.connect.actions.offer(instanceId, demoCallbacks.billing3d, users.beaAgent);
    world.connect.actions.accept(instanceId, demoCallbacks.billing3d);
    world.connect.actions.dialResult(instanceId, demoCallbacks.billing3d, 'answered');
    await world.system.settled();
    await world.page.reload();
    const row = world.page.getByRole('row', { name: new RegExp(demoCallbacks.billing3d) });
    await expect(row.textContent()).resolves.toContain('not queued now');
    await world.page.getByRole('button', { name: /Confirm/ }).click();

    const results = await finishedJob();
    expect(results.get(demoCallbacks.billing3d)).toBe('skipped: connected to agent');
    expect(world.historyOf(demoCallbacks.billing3d)).not.toContain('disconnected');
  });

  it('ends all callbacks older than an age in one queue, and only those', async () => {
    await world.open('/callbacks');

    const endAll = world.page.getByRole('group', { name: /End all callbacks older/ });
    await endAll.getByLabel('Queue').selectOption(queues.billing);
    await endAll.getByLabel('Older than').fill('1h');
    await endAll.getByRole('button', { name: 'End all older…' }).click();
    await world.page.getByRole('button', { name: /Confirm/ }).click();

    const results = await finishedJob();
    expect(results).toEqual(new Map([[demoCallbacks.billing3d, 'ended']]));
    expect(world.historyOf(demoCallbacks.billing3d)).toContain('disconnected');
    expect(world.historyOf(demoCallbacks.billing45m)).not.toContain('disconnected');
    expect(world.historyOf(demoCallbacks.general26h)).not.toContain('disconnected');
  });

  it('finding 2: ends all older in a queue only the callbacks its confirm page listed, not those that crossed the age since', async () => {
    await world.open('/callbacks');
    const endAll = world.page.getByRole('group', { name: /End all callbacks older/ });
    await endAll.getByLabel('Queue').selectOption(queues.billing);
    await endAll.getByLabel('Older than').fill('1h');
    await endAll.getByRole('button', { name: 'End all older…' }).click();
    await world.page.getByRole('button', { name: /Confirm/ }).waitFor();

    // While the confirm page is open, three more billing callbacks are (by now) queued 2 hours.
    world.connect.clock.advance(-2 * 3_600_000);
    const late = [1, 2, 3].map(
      (n) =>
        world.connect.actions.queueCallback(instanceId, {
          queueId: queues.billing,
          customerPhoneNumber: `+1206555093${n}`,
        }).id,
    );
    world.connect.clock.advance(2 * 3_600_000);
    await world.system.settled();
    await world.page.getByRole('button', { name: /Confirm/ }).click();

    const results = await finishedJob();
    expect(results).toEqual(new Map([[demoCallbacks.billing3d, 'ended']]));
    for (const id of late) expect(world.historyOf(id)).not.toContain('disconnected');
  });

  it('runs a previewed sweep in mode end, within its maxStops cap, with progress', async () => {
    await world.open('/sweep?maxQueuedAge=2h&maxStops=2');

    await world.page.getByRole('button', { name: 'Confirm: run in mode end' }).click();

    const results = await finishedJob();
    expect([...results.values()].filter((result) => result === 'ended')).toHaveLength(2);
    await expect(world.page.getByRole('status').textContent()).resolves.toMatch(/^Done: /);
    const stops = world.connect.requestLog().filter((entry) => entry.operation === 'StopContact');
    expect(stops).toHaveLength(2);
  });

  it('ends of a previewed sweep only the callbacks its preview listed, not those that crossed the age since', async () => {
    await world.open('/sweep?maxQueuedAge=2h');
    const listed = await world.page
      .getByRole('table', { name: /What a run in mode end would do/ })
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs
          .filter((tr) => tr.textContent?.includes('would end'))
          .map((tr) => tr.querySelector('code')?.textContent ?? ''),
      );

    // While the preview is open, two more callbacks are (by now) queued 3 hours.
    world.connect.clock.advance(-3 * 3_600_000);
    const late = [1, 2].map(
      (n) =>
        world.connect.actions.queueCallback(instanceId, {
          queueId: queues.general,
          customerPhoneNumber: `+1206555094${n}`,
        }).id,
    );
    world.connect.clock.advance(3 * 3_600_000);
    await world.system.settled();
    await world.page.getByRole('button', { name: 'Confirm: run in mode end' }).click();

    const results = await finishedJob();
    expect(listed.length).toBeGreaterThan(0);
    expect([...results.keys()].sort()).toEqual([...listed].sort());
    for (const id of late) expect(world.historyOf(id)).not.toContain('disconnected');
  });

  it('stops a bulk end after the contact in flight, runs one at a time, and ends nothing after', async () => {
    // Each last look takes a second, so the run (five of them) is still going when Stop is pressed.
    world.connect.faults.set('DescribeContact', { latencyMs: 1_000 });
    await world.open('/callbacks');
    await select(...Object.values(demoCallbacks));
    await world.page.getByRole('button', { name: 'End selected…' }).click();
    await world.page.getByRole('button', { name: /Confirm/ }).click();
    await world.page.locator('#job-results tr').first().waitFor();

    const second = await world.page.request.post(new URL('/sweep/run', world.origin).href, {
      headers: { origin: world.origin },
      form: {},
    });
    await world.page.getByRole('button', { name: /Stop after the current contact/ }).click();

    expect(second.status()).toBe(409);
    const results = await finishedJob();
    await expect(world.page.getByRole('status').textContent()).resolves.toMatch(/^Stopped: /);
    const notStarted = [...results].filter(([, result]) => result === 'skipped: stopped');
    expect(notStarted.length).toBeGreaterThan(0);
    for (const [contactId] of notStarted) {
      expect(world.historyOf(contactId)).not.toContain('disconnected');
    }
  });

  it('shows what was ended, by whom and why in the audit trail', async () => {
    await world.open('/callbacks');
    await select(demoCallbacks.techSupport30h);
    await world.page.getByRole('button', { name: 'End selected…' }).click();
    await world.page.getByRole('button', { name: /Confirm/ }).click();
    await finishedJob();

    await world.open('/audit');

    const row = world.page
      .getByRole('table', { name: /audit record/ })
      .getByRole('row', { name: new RegExp(demoCallbacks.techSupport30h) })
      .filter({ hasText: 'ended' })
      .first();
    await expect(row.textContent()).resolves.toMatch(/console \(/);
  });

  it('ends any contact with the End a Contact form and a SecurityUser allowed to', async () => {
    await world.open('/end-contact');

    await world.page.getByLabel('Contact ID').fill(DEMO_IDS.contacts.chatQueued);
    await world.page.getByLabel('Instance ID').fill(DEMO_IDS.instanceId);
    await world.page.getByLabel('SecurityUser').fill('sam.supervisor');
    await world.page.getByRole('button', { name: 'End the contact' }).click();

    await expect(world.page.getByRole('status').textContent()).resolves.toContain('Ended');
    expect(world.historyOf(DEMO_IDS.contacts.chatQueued)).toContain('disconnected');
  });

  it('refuses the end for a SecurityUser who may not end contacts', async () => {
    await world.open('/end-contact');

    await world.page.getByLabel('Contact ID').fill(DEMO_IDS.contacts.taskQueued);
    await world.page.getByLabel('Instance ID').fill(DEMO_IDS.instanceId);
    await world.page.getByLabel('SecurityUser').fill('alex.agent');
    await world.page.getByRole('button', { name: 'End the contact' }).click();

    await expect(world.page.getByRole('status').textContent()).resolves.toContain('unauthorized');
    expect(world.historyOf(DEMO_IDS.contacts.taskQueued)).not.toContain('disconnected');
  });
});
