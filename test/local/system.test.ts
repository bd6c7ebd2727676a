import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../local/connect/index.js';
import { describeSweepPolicies } from '../../local/demo-policies.js';
import { curlExamples, toCurl } from '../../local/examples.js';
import { type LocalSystem, startLocalSystem } from '../../local/system.js';

const exec = promisify(execFile);

/** A raw POST with headers fetch would not let a test set (Host). */
function rawPost(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${base}${path}`, { method: 'POST', headers });
    outgoing.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.once('error', reject);
    outgoing.end('{}');
  });
}

describe('the local system (npm start)', () => {
  let system: LocalSystem;

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, connectPort: 0 });
  });

  afterAll(() => system.close());

  it.each(curlExamples().map((example) => [example.title, example] as const))(
    'answers the printed curl example "%s" as it says',
    async (_title, example) => {
      const command = `${toCurl(system.url, example)} -w '\\n%{http_code}'`;

      const { stdout } = await exec('sh', ['-c', command]);

      const lines = stdout.trimEnd().split('\n');
      const status = Number(lines.pop());
      expect(status).toBe(example.expect.status);
      expect(JSON.parse(lines.join('\n'))).toMatchObject(example.expect.json);
    },
  );

  it('tracks a callback queued while it runs, and its sweeper reports it once it is stuck', async () => {
    const { connect } = system;
    const callback = connect.actions.queueCallback(DEMO_IDS.instanceId, {
      queueId: DEMO_IDS.queues.billing,
      customerPhoneNumber: '+15555550188',
    });
    connect.clock.advance(25 * 3_600_000);
    await system.settled();
    connect.clearRequestLog();

    const report = await system.sweep();

    expect(report).toMatchObject({ mode: 'report', complete: true });
    expect('decisions' in report && report.decisions).toContainEqual(
      expect.objectContaining({ contactId: callback.id, decision: 'would-end' }),
    );
    const mutating = connect
      .requestLog()
      .filter((entry) =>
        ['StopContact', 'TagContact', 'UpdateContactAttributes'].includes(entry.operation),
      );
    expect(mutating).toEqual([]);
  });

  it('refuses a manual sweeper run with a bad override as {code, message}, naming it', async () => {
    const response = await fetch(`${system.url}/sweeper/run`, {
      method: 'POST',
      body: JSON.stringify({ maxQueuedAge: 'forever' }),
    });

    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({
      code: 'InvalidSweepRequest',
      message: expect.stringContaining('maxQueuedAge'),
      errors: [expect.objectContaining({ field: 'maxQueuedAge' })],
    });
    expect(body).not.toHaveProperty('error');
  });

  it('refuses to fire a scheduled clear the sweep policies lack, naming the ones they have', async () => {
    const response = await fetch(`${system.url}/sweeper/schedules/lunch-break`, { method: 'POST' });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'InvalidSweepRequest',
      errors: [
        {
          field: 'schedule',
          message:
            'names "lunch-break", which is not a scheduled clear of the sweep policies: the schedules are billing-closing',
        },
      ],
    });
  });

  it.each([
    ['the scheduled clear', '/sweeper/schedules/billing-closing', '{}'],
    ['End a Contact over HTTP', '/contact/stop', '{"InstanceId":"x","ContactId":"y"}'],
  ])(
    'finding 12: refuses a text/plain POST to %s from another origin, and ends nothing',
    async (_, path, body) => {
      system.connect.clearRequestLog();

      const response = await fetch(`${system.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
        body,
      });

      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        code: 'ForbiddenException',
        message: expect.stringContaining('this one came from http://evil.example'),
      });
      expect(system.connect.requestLog()).toEqual([]);
    },
  );

  it("finding 12: refuses a request whose Host is not the runner's own (DNS rebinding)", async () => {
    const { port } = new URL(system.url);

    const response = await rawPost(system.url, '/sweeper/run', { host: `rebind.example:${port}` });

    expect(response.status).toBe(403);
    expect(response.body).toContain('Host header (rebind.example');
  });

  it('finding 12: refuses a control POST to the local Connect from another origin, changing nothing', async () => {
    const before = system.connect.clock.now();

    const response = await fetch(`${system.connect.endpoint}/_local/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
      body: '{"by":"1d"}',
    });

    expect(response.status).toBe(403);
    expect(system.connect.clock.now() - before).toBeLessThan(86_400_000);
  });

  it('finding 14: refuses a {"mode":"end"} override under sweep policies, naming what to do instead', async () => {
    system.connect.clearRequestLog();

    const response = await fetch(`${system.url}/sweeper/run`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'end' }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'InvalidSweepRequest',
      errors: [
        {
          field: 'mode',
          message: expect.stringMatching(/fire a scheduled clear.*billing-closing.*sweep --end/),
        },
      ],
    });
    expect(system.connect.requestLog()).toEqual([]);
  });

  it('answers a body that is not JSON with a 400 {code, message}', async () => {
    const response = await fetch(`${system.url}/sweeper/run`, { method: 'POST', body: '{' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'SerializationException',
      message: 'request body is not valid JSON',
    });
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await fetch(`${system.url}/nowhere`, { method: 'POST' });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NotFoundException' });
  });

  it('passes a full contact-flow event through to the flow handler', async () => {
    const response = await fetch(`${system.url}/flow/end-contact`, {
      method: 'POST',
      body: JSON.stringify({
        Name: 'ContactFlowEvent',
        Details: {
          ContactData: { ContactId: 'c', InstanceARN: 'arn:bad' },
          Parameters: { ContactId: 'x' },
        },
      }),
    });

    expect(await response.json()).toMatchObject({
      Branch: 'Default',
      ErrorCode: 'ValidationException',
    });
  });
});

describe('a second local system in the same process', () => {
  it('talks to its own local Connect, not to one closed before it', async () => {
    const first = await startLocalSystem({ port: 0, connectPort: 0 });
    await first.close();
    const second = await startLocalSystem({ port: 0, connectPort: 0 });

    try {
      const response = await fetch(`${second.url}/flow/end-contact`, {
        method: 'POST',
        body: JSON.stringify({ ContactId: 'de300000-0000-4000-8000-00000000dead' }),
      });

      expect(await response.json()).toMatchObject({ Branch: 'OnInvalidContactID' });
    } finally {
      await second.close();
    }
  });
});

describe('resetting the local Connect (POST /_local/reset)', () => {
  it('puts the callback registry back with the demo, so the sweeper reports what it did at start', async () => {
    const system = await startLocalSystem({ port: 0, connectPort: 0 });
    try {
      const atStart = await system.sweep();
      await fetch(`${system.url}/flow/end-contact`, {
        method: 'POST',
        body: JSON.stringify({ ContactId: DEMO_IDS.contacts.callbackQueued3d }),
      });
      system.connect.actions.queueCallback(DEMO_IDS.instanceId, {
        queueId: DEMO_IDS.queues.billing,
        customerPhoneNumber: '+15555550188',
      });
      system.connect.clock.advance(25 * 3_600_000);
      await system.settled();

      const reset = await fetch(`${system.connect.endpoint}/_local/reset`, {
        method: 'POST',
        body: JSON.stringify({ scenario: 'demo' }),
      });
      const afterReset = await system.sweep();

      expect(reset.status).toBe(200);
      expect(decisionsOf(afterReset)).toEqual(decisionsOf(atStart));
      expect('counts' in afterReset && afterReset.counts).toEqual(
        'counts' in atStart && atStart.counts,
      );
    } finally {
      await system.close();
    }
  });
});

function decisionsOf(report: Awaited<ReturnType<LocalSystem['sweep']>>) {
  if (!('decisions' in report)) throw new Error(`the sweep was refused: ${report.message}`);
  return report.decisions.map((d) => `${d.contactId} ${d.decision}`).sort();
}

/** `npm start -- <args>` in its own process group, as a shell job; resolves once it has printed `until`. */
async function npmStart(args: string[], until: string) {
  const child = spawn('npm', ['start', '--', ...args], { detached: true });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => {
    output.stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', () => output.stdout.includes(until) && resolve());
    void exited.then((code) =>
      reject(new Error(`npm start exited early with ${code}: ${output.stdout}${output.stderr}`)),
    );
  });
  return { child, output, exited };
}

/** Whatever a test leaves running: the whole process group goes. */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-(child.pid as number), 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function refusesConnections(url: string): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await fetch(url).then(
      () => true,
      () => false,
    );
    if (!open) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('npm start', () => {
  let running: Awaited<ReturnType<typeof npmStart>>;
  let handlersUrl: string;

  beforeAll(async () => {
    running = await npmStart(['--port', '0', '--connect-port', '0'], 'Press Ctrl+C');
    handlersUrl =
      /Handlers \(HTTP\): +(http:\/\/127\.0\.0\.1:\d+)/.exec(running.output.stdout)?.[1] ?? '';
  });

  afterAll(() => killGroup(running.child));

  it('prints where everything is and serves the handlers', async () => {
    const index = await fetch(`${handlersUrl}/`);

    expect(index.status).toBe(200);
    expect(await index.json()).toMatchObject({
      routes: expect.arrayContaining(['POST /contact/stop']),
    });
    expect(running.output.stdout).toMatch(/Local Amazon Connect: +http:\/\/127\.0\.0\.1:\d+/);
    expect(running.output.stdout).toContain('curl -s -X POST');
  });

  it('names both demo instances it tracks and sweeps', () => {
    expect(running.output.stdout).toMatch(
      new RegExp(
        `Connect instances: +${DEMO_IDS.instanceId}, ${DEMO_IDS.secondInstance.instanceId} `,
      ),
    );
  });

  it('says that options go after --', () => {
    expect(running.output.stdout).toContain('npm start -- --port 0');
  });

  it('prints one summary line with counts for each sweeper run, at the default log level', async () => {
    const first = await printed(running, /^\[callback sweeper\] first run .*$/m);

    await fetch(`${handlersUrl}/sweeper/run`, { method: 'POST', body: '{"maxQueuedAge":"2h"}' });

    const manual = await printed(running, /^\[callback sweeper\] manual run .*$/m);
    // The demo's sweep policies: the youngest rule age (billing, 4 h) is what the index is read with.
    expect(first).toMatch(/\d+ callbacks queued over 4h, \d+ verified, \d+ would be ended/);
    expect(manual).toMatch(/\d+ callbacks queued over 2h, \d+ verified, \d+ would be ended/);
  });
});

/** The first line of the child's stdout that matches, once it has been printed. */
function printed(running: Awaited<ReturnType<typeof npmStart>>, pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const check = () => {
      const line = pattern.exec(running.output.stdout)?.[0];
      if (line === undefined) return;
      running.child.stdout?.off('data', check);
      resolve(line);
    };
    running.child.stdout?.on('data', check);
    check();
  });
}

describe('npm start, stopped as a shell job (npm start & then kill %1)', () => {
  it('stops the server when the npm process gets SIGTERM', async () => {
    const running = await npmStart(['--port', '0', '--connect-port', '0'], 'Press Ctrl+C');
    try {
      const handlersUrl = /Handlers \(HTTP\): +(http:\/\/127\.0\.0\.1:\d+)/.exec(
        running.output.stdout,
      )?.[1];
      const connectUrl = /Local Amazon Connect: +(http:\/\/127\.0\.0\.1:\d+)/.exec(
        running.output.stdout,
      )?.[1];

      process.kill(running.child.pid as number, 'SIGTERM');
      await running.exited;

      expect(await refusesConnections(`${handlersUrl}/`)).toBe(true);
      expect(await refusesConnections(`${connectUrl}/_local/health`)).toBe(true);
    } finally {
      killGroup(running.child);
    }
  });
});

describe('npm start on a busy port', () => {
  let busy: Server;
  let port: number;

  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    port = (busy.address() as { port: number }).port;
  });

  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it.each([
    ['--port', ['--connect-port', '0']],
    ['--connect-port', ['--port', '0']],
  ])(
    'answers a taken %s with one line naming it and 0, and a non-zero exit',
    async (flag, others) => {
      const result = await exec(process.execPath, [
        '--import',
        'tsx',
        'local/start.ts',
        flag,
        String(port),
        ...others,
      ]).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );

      expect(result.code).not.toBe(0);
      expect(result.stderr.trim().split('\n')).toEqual([
        `npm start: port ${port} is in use: pass ${flag} <another port>, or ${flag} 0 for a free one`,
      ]);
    },
  );
});

describe('npm start --help', () => {
  it('explains its options, and that they go after --', async () => {
    const { stdout } = await exec(process.execPath, [
      '--import',
      'tsx',
      'local/start.ts',
      '--help',
    ]);

    expect(stdout).toContain('--connect-port');
    expect(stdout).toContain('npm start -- --port 0');
  });

  it('refuses a bad port with a message that names the option', async () => {
    const result = await exec(process.execPath, [
      '--import',
      'tsx',
      'local/start.ts',
      '--port',
      '70000',
    ]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--port must be a port number from 0 to 65535');
  });
});

describe('the local system with SWEEP_POLICIES empty', () => {
  it('finding 14: says no sweep policies run and advertises no scheduled clear', async () => {
    const system = await startLocalSystem({
      port: 0,
      connectPort: 0,
      environment: { ...process.env, SWEEP_POLICIES: '' },
    });
    try {
      const examples = curlExamples(system.sweepPolicies.clears);

      expect(system.sweepPolicies).toEqual({ source: 'none', clears: [] });
      expect(describeSweepPolicies(system.sweepPolicies)).toMatch(
        /^none \(SWEEP_POLICIES is empty\)/,
      );
      expect(examples.map((example) => example.path)).not.toContain(
        '/sweeper/schedules/billing-closing',
      );
    } finally {
      await system.close();
    }
  });

  it("describes the demo's policies and their clear when SWEEP_POLICIES is unset", async () => {
    const system = await startLocalSystem({ port: 0, connectPort: 0, environment: {} });
    try {
      expect(system.sweepPolicies).toEqual({ source: 'demo', clears: ['billing-closing'] });
      expect(describeSweepPolicies(system.sweepPolicies)).toMatch(/^the demo’s/);
      expect(curlExamples(system.sweepPolicies.clears).map((example) => example.path)).toContain(
        '/sweeper/schedules/billing-closing',
      );
    } finally {
      await system.close();
    }
  });
});

describe('the local system with the duplicates policy on', () => {
  it("runs the sweeper with the policy's phone hasher, as the Lambda does", async () => {
    const system = await startLocalSystem({
      port: 0,
      connectPort: 0,
      environment: { DUPLICATES_POLICY: 'keep-oldest', PHONE_HASH_SALT: 'a-local-salt-0123456789' },
    });
    try {
      const report = await system.sweep();

      expect(report).toMatchObject({ mode: 'report', complete: true });
    } finally {
      await system.close();
    }
  });

  it('refuses to start without the salt the policy needs, naming the variable', async () => {
    await expect(
      startLocalSystem({
        port: 0,
        connectPort: 0,
        environment: { DUPLICATES_POLICY: 'keep-oldest' },
      }),
    ).rejects.toThrow(/PHONE_HASH_SALT must be set/);
  });
});
