import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../../local/connect/index.js';
import { axeViolations } from '../../support/axe.js';
import {
  type ConsoleWorld,
  demoCallbacks,
  startConsoleWorld,
} from '../../support/console-world.js';

const { queues } = DEMO_IDS;

describe('the console as a supervisor uses it (headless Chromium on npm start)', () => {
  let world: ConsoleWorld;

  beforeAll(async () => {
    world = await startConsoleWorld();
  });

  afterAll(() => world?.close());

  /** The row headers of the table with this caption, top to bottom. */
  const rowKeys = (caption: RegExp) =>
    world.page
      .getByRole('table', { name: caption })
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.querySelector('th')?.textContent?.trim()));

  it("shows each queue's name and instance alias, the IDs on hover, and its status as a badge", async () => {
    await world.open('/');

    const billing = world.page.getByRole('row', { name: /^Billing / });
    await expect(billing.getByRole('cell').first().textContent()).resolves.toBe(
      'demo-contact-center',
    );
    await expect(billing.locator('[title]').first().getAttribute('title')).resolves.toBe(
      queues.billing,
    );
    await expect(billing.locator('.badge').textContent()).resolves.toBe('ok');
  });

  it('sorts the queues by a column from the keyboard, ascending then descending', async () => {
    await world.open('/');
    const header = world.page.getByRole('columnheader', { name: 'Oldest tracked' });

    await header.getByRole('button').focus();
    await world.page.keyboard.press('Enter');
    const ascending = await rowKeys(/Queues/);
    await expect(header.getAttribute('aria-sort')).resolves.toBe('ascending');
    await world.page.keyboard.press('Enter');

    await expect(header.getAttribute('aria-sort')).resolves.toBe('descending');
    expect(ascending.at(-1)).toBe('Billing');
    expect((await rowKeys(/Queues/))[0]).toBe('Billing');
  });

  it('sorts the callbacks by age, by the age itself and not its text', async () => {
    await world.open('/callbacks');

    await world.page.getByRole('button', { name: 'Age' }).click();

    const keys = await rowKeys(/tracked callback/);
    expect(keys[0]).toBe(demoCallbacks.general10m);
    expect(keys.at(-1)).toBe(demoCallbacks.billing3d);
  });

  it('fits a 420-pixel window: the page never scrolls sideways, the table scrolls in its own box', async () => {
    await world.page.setViewportSize({ width: 420, height: 800 });
    try {
      await world.open('/callbacks');

      const pageWidth = await world.page.locator('html').evaluate((root) => root.scrollWidth);
      expect(pageWidth).toBeLessThanOrEqual(420);
      const box = world.page.getByRole('region', { name: 'Callbacks' });
      await expect(box.evaluate((el) => el.scrollWidth > el.clientWidth)).resolves.toBe(true);
      await expect(box.getAttribute('tabindex')).resolves.toBe('0');
      expect(await axeViolations(world.page)).toEqual([]);
    } finally {
      await world.page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('writes counts as words, never "(s)"', async () => {
    for (const path of ['/', '/callbacks', `/callbacks/confirm?id=${demoCallbacks.billing3d}`]) {
      await world.open(path);

      expect(await world.page.locator('main').textContent()).not.toContain('(s)');
    }
  });

  it('refuses a browser without the token with a styled page, and refuses nothing else it loads', async () => {
    await world.browser.context.clearCookies();
    const refused: string[] = [];
    const listener = (response: { status(): number; url(): string }) => {
      if (response.status() === 403) refused.push(new URL(response.url()).pathname);
    };
    world.page.on('response', listener);
    try {
      expect(await world.open('/callbacks')).toBe(403);

      const border = await world.page
        .getByRole('alert')
        .evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).borderLeftColor);
      expect(border).toBe('rgb(164, 14, 38)');
      expect(refused).toEqual(['/callbacks']);
      expect(await axeViolations(world.page)).toEqual([]);
    } finally {
      world.page.off('response', listener);
      await world.open(world.consoleUrl);
    }
  });

  it('heads a finished end with what it did, under the Callbacks tab', async () => {
    await world.open('/callbacks');
    await world.page.getByRole('checkbox', { name: `Select ${demoCallbacks.general26h}` }).check();
    await world.page.getByRole('checkbox', { name: `Select ${demoCallbacks.billing45m}` }).check();
    await world.page.getByRole('button', { name: 'End selected…' }).click();
    await world.page.getByRole('button', { name: 'Confirm: end 2 callbacks' }).click();
    await world.page.locator('#job:not([data-status="running"])').waitFor();

    await world.page.reload();

    await expect(world.page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Ended 2 of 2 selected callbacks',
    );
    await expect(
      world.page
        .getByRole('navigation')
        .getByRole('link', { name: 'Callbacks' })
        .getAttribute('aria-current'),
    ).resolves.toBe('page');
  });
});
