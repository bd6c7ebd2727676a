/**
 * `npm run docs:screenshots`: starts the local system as npm start does, with its console, and
 * saves a screenshot of each view to docs/images/console-<view>.png for the README and docs.
 */
import { mkdir } from 'node:fs/promises';
import { DEMO_IDS } from '../../local/connect/index.js';
import { demoCallbacks, startConsoleWorld } from './console-world.js';

const out = new URL('../../docs/images/', import.meta.url);

// As npm start does: the handlers' logs and EMF metrics are not for this script's output.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  await mkdir(out, { recursive: true });
  const world = await startConsoleWorld();
  const { page } = world;
  const shoot = async (name: string) => {
    await page.screenshot({ path: new URL(`console-${name}.png`, out).pathname, fullPage: true });
    console.log(`docs/images/console-${name}.png`);
  };
  try {
    await world.open('/');
    await shoot('queues');
    // As a supervisor's phone or a narrow side panel shows it: the table scrolls in its own box.
    await page.setViewportSize({ width: 420, height: 800 });
    await world.open('/callbacks');
    await shoot('callbacks-narrow');
    await page.setViewportSize({ width: 1280, height: 860 });
    await world.open('/callbacks');
    await page.getByRole('checkbox', { name: `Select ${demoCallbacks.general26h}` }).check();
    await page.getByRole('checkbox', { name: `Select ${demoCallbacks.techSupport30h}` }).check();
    await shoot('callbacks');
    // One of the two is answered between the list and the End: the job shows it skipped.
    await page.getByRole('button', { name: 'End selected…' }).click();
    await shoot('confirm');
    const { instanceId, users } = DEMO_IDS;
    world.connect.actions.offer(instanceId, demoCallbacks.techSupport30h, users.beaAgent);
    world.connect.actions.accept(instanceId, demoCallbacks.techSupport30h);
    world.connect.actions.dialResult(instanceId, demoCallbacks.techSupport30h, 'answered');
    await page.getByRole('button', { name: /Confirm/ }).click();
    await page.locator('#job:not([data-status="running"])').waitFor();
    await shoot('job');
    await world.open('/sweep?maxQueuedAge=30m');
    await shoot('sweep');
    await world.open('/audit');
    await shoot('audit');
    await world.open('/end-contact');
    await page.getByLabel('Contact ID').fill(DEMO_IDS.contacts.chatQueued);
    await page.getByLabel('Instance ID').fill(DEMO_IDS.instanceId);
    await page.getByLabel('SecurityUser').fill('sam.supervisor');
    await page.getByRole('button', { name: 'End the contact' }).click();
    await page.getByRole('status').waitFor();
    await shoot('end-contact');
  } finally {
    await world.close();
  }
}

await main();
