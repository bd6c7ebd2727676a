import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../local/connect/index.js';
import { curlExamples, type LocalSystem, startLocalSystem, toCurl } from '../../local/system.js';

const exec = promisify(execFile);

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

  it('refuses a manual sweeper run with a bad override, naming it', async () => {
    const response = await fetch(`${system.url}/sweeper/run`, {
      method: 'POST',
      body: JSON.stringify({ maxQueuedAge: 'forever' }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'InvalidSweepRequest',
      errors: [expect.objectContaining({ field: 'maxQueuedAge' })],
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

describe('npm start', () => {
  it('prints where everything is, serves until stopped, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/start.ts', '--port', '0', '--connect-port', '0'],
      { env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN' } },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => output.includes('Press Ctrl+C') && resolve());
      child.once('exit', (code) =>
        reject(new Error(`npm start exited early with ${code}: ${output}`)),
      );
    });
    const handlersUrl = /Handlers \(HTTP\): +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];

    const index = await fetch(`${handlersUrl}/`);
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));

    expect(index.status).toBe(200);
    expect(await index.json()).toMatchObject({
      routes: expect.arrayContaining(['POST /contact/stop']),
    });
    expect(output).toMatch(/Local Amazon Connect: +http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('curl -s -X POST');
    expect(code).toBe(0);
  });

  it('explains its options with --help', async () => {
    const { stdout } = await exec(process.execPath, [
      '--import',
      'tsx',
      'local/start.ts',
      '--help',
    ]);

    expect(stdout).toContain('--connect-port');
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
