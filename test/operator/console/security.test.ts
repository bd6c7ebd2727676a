import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleWorld,
  demoCallbacks,
  startConsoleWorld,
} from '../../support/console-world.js';

/** A name that a rebinding attacker's DNS would point at 127.0.0.1; Chromium resolves it so. */
const rebindingHost = 'rebind.example';

/** A raw request, with headers fetch would not let a test set (Host). */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: options.method ?? 'GET', headers: options.headers });
    outgoing.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.once('error', reject);
    outgoing.end();
  });
}

describe('the operator console refusing what is not its own (headless Chromium on npm start)', () => {
  let world: ConsoleWorld;
  let token: string;
  let cookie: string;
  /** Another web page on this machine: a different origin on the same site (127.0.0.1). */
  let attacker: Server;
  let attackerOrigin: string;

  beforeAll(async () => {
    world = await startConsoleWorld([`--host-resolver-rules=MAP ${rebindingHost} 127.0.0.1`]);
    token = new URL(world.consoleUrl).searchParams.get('token') ?? '';
    cookie = `end-contact-console-${new URL(world.consoleUrl).port}=${token}`;
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<form method="post" action="${world.origin}/callbacks/end"><input type="hidden" name="id" value="${demoCallbacks.billing3d}"><button>Win a prize</button></form>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await world?.close();
    attacker?.closeAllConnections();
    await new Promise((resolve) => attacker?.close(resolve));
  });

  it('listens on 127.0.0.1 and prints a URL that carries a long random token', () => {
    expect(world.consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('keeps the token from the URL in an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    const cookies = await world.browser.context.cookies(world.origin);

    expect(cookies).toContainEqual(
      expect.objectContaining({ value: token, httpOnly: true, sameSite: 'Strict' }),
    );
    await world.open(world.consoleUrl);
    expect(world.page.url()).toBe(`${world.origin}/`);
  });

  it('refuses a browser without the token with a 403 page saying how to get in', async () => {
    await world.browser.context.clearCookies();
    try {
      const status = await world.open('/callbacks');

      expect(status).toBe(403);
      await expect(world.page.getByRole('alert').textContent()).resolves.toContain(
        'needs the token it printed',
      );
      expect(await world.page.content()).not.toContain(demoCallbacks.billing3d);
    } finally {
      await world.open(world.consoleUrl);
    }
  });

  it('refuses a wrong token', async () => {
    const response = await send(`${world.origin}/?token=${'x'.repeat(43)}`);

    expect(response.status).toBe(403);
  });

  it('refuses a request whose Host is not its own, even with the token (DNS rebinding)', async () => {
    const port = new URL(world.consoleUrl).port;

    const response = await world.page.goto(`http://${rebindingHost}:${port}/?token=${token}`);

    expect(response?.status()).toBe(403);
    await expect(world.page.getByRole('alert').textContent()).resolves.toContain(
      `Host header (${rebindingHost}:${port})`,
    );
  });

  it('refuses a Host on another port, from a raw client with the cookie', async () => {
    const response = await send(`${world.origin}/`, {
      headers: { host: '127.0.0.1:1', cookie },
    });

    expect(response.status).toBe(403);
  });

  it('refuses a POST from another page on this machine (CSRF), and nothing is ended', async () => {
    world.connect.clearRequestLog();
    await world.page.goto(attackerOrigin);

    const [response] = await Promise.all([
      world.page.waitForResponse(`${world.origin}/callbacks/end`),
      world.page.getByRole('button', { name: 'Win a prize' }).click(),
    ]);

    expect(response.status()).toBe(403);
    await expect(world.page.getByRole('alert').textContent()).resolves.toContain(
      `this one came from ${attackerOrigin}`,
    );
    expect(world.connect.requestLog().map((entry) => entry.operation)).not.toContain('StopContact');
    expect(world.historyOf(demoCallbacks.billing3d)).not.toContain('disconnected');
  });

  it('refuses a POST without an Origin', async () => {
    const response = await send(`${world.origin}/callbacks/end`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    });

    expect(response.status).toBe(403);
  });

  it('sends a Content-Security-Policy that allows only its own assets', async () => {
    const response = await world.page.goto(`${world.origin}/`);

    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'self';/);
    const urls = await world.page
      .locator('[src], [href]')
      .evaluateAll((elements) =>
        elements.map((element) => element.getAttribute('src') ?? element.getAttribute('href')),
      );
    const external = urls.filter((url) => url === null || /^([a-z]+:|\/\/)/i.test(url));
    expect(external).toEqual([]);
  });
});
