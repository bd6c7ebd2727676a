import type { Page } from 'playwright-core';
import { DEMO_IDS, type LocalConnect } from '../../local/connect/index.js';
import { type LocalSystem, startLocalSystem } from '../../local/system.js';
import { launchBrowser, type TestBrowser } from './browser.js';

/** The demo's queued callbacks the registry tracks at start, as npm start seeds them. */
export const demoCallbacks = {
  billing3d: DEMO_IDS.contacts.callbackQueued3d,
  general26h: DEMO_IDS.contacts.callbackQueued26h,
  techSupport30h: DEMO_IDS.contacts.callbackQueued30h,
  billing45m: DEMO_IDS.contacts.callbackQueued45m,
  general10m: DEMO_IDS.contacts.callbackQueued10m,
  // The second demo instance's, which the console's target covers too.
  sales2d: DEMO_IDS.secondInstance.contacts.callbackQueued2d,
  returns28h: DEMO_IDS.secondInstance.contacts.callbackQueued28h,
  second20m: DEMO_IDS.secondInstance.contacts.callbackQueued20m,
} as const;

export interface ConsoleWorld {
  readonly system: LocalSystem;
  readonly connect: LocalConnect;
  /** The console's URL as npm start prints it, token included. */
  readonly consoleUrl: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly browser: TestBrowser;
  /** A page that has opened the console's URL once, so the token is in its cookie. */
  readonly page: Page;
  /** Opens a console path (`/callbacks?queue=…`) in the page and returns the response's status. */
  open(path: string): Promise<number>;
  /** The events a contact went through in the local Connect, e.g. `disconnected`. */
  historyOf(contactId: string): string[];
  close(): Promise<void>;
}

/**
 * The local system exactly as `npm start` runs it (console included, every port ephemeral), and
 * one headless Chromium that has opened the console. One per test file.
 */
export async function startConsoleWorld(browserArgs: string[] = []): Promise<ConsoleWorld> {
  const system = await startLocalSystem({ port: 0, connectPort: 0, consolePort: 0 });
  let browser: TestBrowser | undefined;
  try {
    await system.settled();
    const consoleUrl = system.consoleUrl as string;
    browser = await launchBrowser(browserArgs);
    const page = await browser.context.newPage();
    await page.goto(consoleUrl);
    const opened = browser;
    return {
      system,
      connect: system.connect,
      consoleUrl,
      origin: new URL(consoleUrl).origin,
      browser,
      page,
      open: async (path) => (await page.goto(new URL(path, consoleUrl).href))?.status() ?? 0,
      // Either demo instance's contact: the console lists and ends both.
      historyOf: (contactId) => {
        const instanceId = [DEMO_IDS.instanceId, DEMO_IDS.secondInstance.instanceId].find((id) => {
          try {
            system.connect.history(id, contactId);
            return true;
          } catch {
            return false;
          }
        });
        if (!instanceId) throw new Error(`no demo instance has contact ${contactId}`);
        return system.connect.history(instanceId, contactId).map((entry) => entry.event);
      },
      close: async () => {
        await opened.close();
        await system.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await system.close();
    throw error;
  }
}
