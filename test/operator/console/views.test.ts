import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../../local/connect/index.js';
import { axeViolations } from '../../support/axe.js';
import {
  type ConsoleWorld,
  demoCallbacks,
  startConsoleWorld,
} from '../../support/console-world.js';

const { queues } = DEMO_IDS;

describe('the operator console, read only (headless Chromium on npm start)', () => {
  let world: ConsoleWorld;

  beforeAll(async () => {
    world = await startConsoleWorld();
  });

  afterAll(() => world?.close());

  /** The first cells of each body row of the table with this caption. */
  async function rowKeys(caption: RegExp): Promise<string[]> {
    const table = world.page.getByRole('table', { name: caption });
    return table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.querySelector('th')?.textContent?.trim() ?? ''));
  }

  it('shows the queue overview with the registry beside Connect, per demo queue', async () => {
    expect(await world.open('/')).toBe(200);

    const table = world.page.getByRole('table', { name: /Queues/ });
    const billing = table.getByRole('row', { name: /^Billing / });
    await expect(billing.getByRole('cell').nth(1).textContent()).resolves.toBe('2');
    await expect(
      billing.getByRole('link', { name: 'Billing' }).getAttribute('title'),
    ).resolves.toBe(queues.billing);
    const headers = await table.getByRole('columnheader').allTextContents();
    expect(headers).toEqual(
      expect.arrayContaining(['Tracked callbacks', 'Contacts in queue (Connect)', 'Status']),
    );
    expect(await rowKeys(/Queues/)).toEqual(
      expect.arrayContaining(['General', 'Billing', 'TechSupport']),
    );
  });

  it('lists every tracked callback with ID, queue, age and state, and no phone number', async () => {
    expect(await world.open('/callbacks')).toBe(200);

    expect(await rowKeys(/tracked callback/)).toEqual([
      demoCallbacks.billing3d,
      demoCallbacks.sales2d,
      demoCallbacks.techSupport30h,
      demoCallbacks.returns28h,
      demoCallbacks.general26h,
      demoCallbacks.billing45m,
      demoCallbacks.second20m,
      demoCallbacks.general10m,
    ]);
    const oldest = world.page.getByRole('row', { name: new RegExp(demoCallbacks.billing3d) });
    const cells = await oldest.getByRole('cell').allTextContents();
    expect(cells.slice(1)).toEqual(['Billing', '3d 0h', 'queued']);
    expect(await world.page.content()).not.toMatch(/\+\d{6,}/);
  });

  it('filters the callbacks by queue with the form', async () => {
    await world.open('/callbacks');

    await world.page.getByLabel('Queue', { exact: true }).first().selectOption(queues.billing);
    await world.page.getByRole('button', { name: 'Filter' }).click();

    await world.page.waitForURL(/queue=/);
    expect(await rowKeys(/tracked callback/)).toEqual([
      demoCallbacks.billing3d,
      demoCallbacks.billing45m,
    ]);
  });

  it('filters the callbacks by age', async () => {
    await world.open('/callbacks');

    await world.page.getByLabel('Older than').first().fill('24h');
    await world.page.getByRole('button', { name: 'Filter' }).click();

    await world.page.waitForURL(/olderThan=24h/);
    expect(await rowKeys(/tracked callback/)).toEqual([
      demoCallbacks.billing3d,
      demoCallbacks.sales2d,
      demoCallbacks.techSupport30h,
      demoCallbacks.returns28h,
      demoCallbacks.general26h,
    ]);
  });

  it('answers a bad query parameter with a 400 page that names it', async () => {
    expect(await world.open('/callbacks?olderThan=soon')).toBe(400);

    await expect(world.page.getByRole('alert').textContent()).resolves.toBe(
      'The parameter olderThan must be a duration such as 30m, 2h or 1d, got "soon".',
    );
  });

  it('answers a parameter the page does not know with a 400 page that names it', async () => {
    expect(await world.open('/callbacks?age=2h')).toBe(400);

    await expect(world.page.getByRole('alert').textContent()).resolves.toContain(
      'The parameter age is not known here: this page takes queue, olderThan, limit',
    );
  });

  it('asks for a selection when End is chosen with none', async () => {
    expect(await world.open('/callbacks/confirm')).toBe(400);

    await expect(world.page.getByRole('alert').textContent()).resolves.toContain(
      'parameter id is missing: select at least one callback to end',
    );
  });

  it('refuses an "all older than" age under the sweeper\'s bound, naming the field', async () => {
    const path = `/callbacks/confirm?scope=all&queue=${queues.billing}&olderThan=1m`;

    expect(await world.open(path)).toBe(400);

    await expect(world.page.getByRole('alert').textContent()).resolves.toMatch(
      /^The parameter olderThan must be .*5m/,
    );
  });

  it('previews a sweep in report mode with overrides, changing nothing', async () => {
    await world.open('/sweep');
    world.connect.clearRequestLog();

    await world.page.getByLabel('Max queued age').fill('2h');
    await world.page.getByRole('button', { name: 'Preview' }).click();

    await world.page.waitForURL(/maxQueuedAge=2h/);
    const table = world.page.getByRole('table', { name: /would do/ });
    const wouldEnd = table.getByRole('row').filter({ hasText: 'would end' });
    // Three callbacks over 2h in the first demo instance, two in the second.
    await expect(wouldEnd.count()).resolves.toBe(5);
    const stops = world.connect.requestLog().filter((entry) => entry.operation === 'StopContact');
    expect(stops).toEqual([]);
  });

  it('refuses a sweep override the sweeper would refuse, naming it', async () => {
    expect(await world.open('/sweep?maxStops=lots')).toBe(400);

    await expect(world.page.getByRole('alert').textContent()).resolves.toMatch(/maxStops/);
  });

  it('shows the audit trail as a table', async () => {
    expect(await world.open('/audit')).toBe(200);

    const table = world.page.getByRole('table', { name: /audit record/ });
    await expect(table.getByRole('columnheader').allTextContents()).resolves.toEqual([
      'When (UTC)',
      'What',
      'Contact ID',
      'Queue',
      'Requested by',
      'Why',
      'Run',
    ]);
  });

  it('shows the End a Contact form with a labelled SecurityUser field', async () => {
    expect(await world.open('/end-contact')).toBe(200);

    await expect(world.page.getByLabel('Contact ID').count()).resolves.toBe(1);
    await expect(world.page.getByLabel('SecurityUser').count()).resolves.toBe(1);
  });

  it('lets a keyboard reach a callback with Tab from the filters and tick it with Space', async () => {
    await world.open('/callbacks');
    const first = world.page.getByRole('checkbox', { name: `Select ${demoCallbacks.billing3d}` });

    await world.page.getByLabel('Older than').first().focus();
    // Past the Filter button, Select all and the sortable column headers.
    for (let presses = 0; presses < 10; presses++) {
      await world.page.keyboard.press('Tab');
      if (await first.evaluate((box) => box.ownerDocument.activeElement === box)) break;
    }
    await world.page.keyboard.press('Space');

    await expect(first.evaluate((box) => box.ownerDocument.activeElement === box)).resolves.toBe(
      true,
    );
    await expect(first.isChecked()).resolves.toBe(true);
  });

  it('ticks every callback with the labelled Select all box', async () => {
    await world.open(`/callbacks?queue=${queues.billing}`);

    await world.page.getByRole('checkbox', { name: 'Select all' }).check();

    const boxes = world.page.getByRole('checkbox', { name: /^Select de3/ });
    await expect(boxes.count()).resolves.toBe(2);
    for (const box of await boxes.all()) await expect(box.isChecked()).resolves.toBe(true);
  });

  it.each([
    '/',
    '/callbacks',
    `/callbacks/confirm?id=${demoCallbacks.billing3d}`,
    '/sweep',
    '/audit',
    '/end-contact',
    '/callbacks?olderThan=soon',
  ])('has no WCAG 2.1 A or AA violation axe-core finds on %s', async (path) => {
    await world.open(path);

    expect(await axeViolations(world.page)).toEqual([]);
  });
});
