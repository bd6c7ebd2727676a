import { type ChildProcess, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SweepReport } from '../../../lambdas/core/sweeper/report.js';
import { DEMO_IDS, demoScenario } from '../../../local/connect/index.js';
import { type LocalSystem, startLocalSystem } from '../../../local/system.js';
import type { CliIo } from '../../../operator/cli/commands.js';
import { main } from '../../../operator/cli/main.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const { contacts, queues, instanceId } = DEMO_IDS;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as `npm run cli` runs it, in its own process, with stdin a closed pipe (no terminal). */
function start(args: string[]): { child: ChildProcess; finished: Promise<Finished> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'operator/cli/run.ts', ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const finished = new Promise<Finished>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, finished };
}

const run = (...args: string[]) => start(args).finished;

/** Resolves once the child's stderr has a line that matches. */
function lineOnStderr(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let seen = '';
    const listener = (chunk: Buffer) => {
      seen += chunk;
      const line = seen.split('\n').find((l) => pattern.test(l));
      if (line === undefined) return;
      child.stderr?.off('data', listener);
      resolve(line);
    };
    child.stderr?.on('data', listener);
  });
}

describe('the end-contact CLI against the local system', () => {
  let system: LocalSystem;
  let local: string[];

  beforeAll(async () => {
    // Long enough for a StopContact slowed by the latency fault below.
    system = await startLocalSystem({
      port: 0,
      connectPort: 0,
      environment: { ...process.env, CONNECT_REQUEST_TIMEOUT_MS: '10000' },
    });
    local = ['--local', system.url];
  });

  afterAll(() => system.close());

  beforeEach(async () => {
    await system.connect.reset(demoScenario());
    await system.settled();
  });

  const stops = () =>
    system.connect.requestLog().filter((entry) => entry.operation === 'StopContact');

  it('prints queues as JSON a script can parse, and exits 0', async () => {
    const { code, stdout } = await run('queues', ...local, '--json');

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toContainEqual(
      expect.objectContaining({ queueId: queues.billing, trackedCallbacks: 2 }),
    );
  });

  it('lists the callbacks of one queue older than an age, as a table', async () => {
    const { code, stdout } = await run(
      'callbacks',
      ...local,
      '--queue',
      queues.billing,
      '--older-than',
      '1h',
    );

    expect(code).toBe(0);
    expect(stdout).toMatch(/^CONTACT\s+QUEUE\s+AGE\s+QUEUED AT\n/);
    expect(stdout).toContain(contacts.callbackQueued3d);
    expect(stdout).not.toContain(contacts.callbackQueued45m);
  });

  it.each([
    [['queues', '--bogus'], /^end-contact: unknown option --bogus for queues/],
    [['callbacks', '--older-than', 'soon'], /^end-contact: --older-than must be a duration/],
    [['sweep', '--max', '0'], /^end-contact: --max must be a whole number of 1 or more/],
    [['end'], /^end-contact: end needs <contactId>/],
    [['frobnicate'], /^end-contact: unknown command "frobnicate"/],
  ])('answers %j with one line naming what is wrong, and exits 2', async (args, line) => {
    const { code, stdout, stderr } = await run(...args, ...local);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(line)]);
  });

  it('names a queue the instance does not have in one line, and exits 2', async () => {
    const unknown = 'de300000-0000-4000-8000-0000000000ff';

    const { code, stderr } = await run('callbacks', ...local, '--queue', unknown);

    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^end-contact: --queue ${unknown}: no such queue`)),
    ]);
  });

  it('says in one line that nothing answers at a --local URL, and exits 1', async () => {
    const { code, stderr } = await run('queues', '--local', 'http://127.0.0.1:9');

    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^end-contact: nothing answers at http:\/\/127.0.0.1:9/),
    ]);
  });

  it('refuses sweep --end without --yes when stdin is not a terminal, and ends nothing', async () => {
    const { code, stderr } = await run('sweep', ...local, '--end');

    expect(code).toBe(2);
    expect(stderr).toMatch(/pass --yes/);
    expect(stops()).toEqual([]);
  });

  it('previews by default: lists what it would end and changes nothing', async () => {
    const { code, stdout } = await run('sweep', ...local);

    expect(code).toBe(0);
    expect(stdout).toContain('Report mode, nothing changed: 5 considered, 5 would be ended');
    expect(stops()).toEqual([]);
  });

  it('ends with --end --yes through the verified path, keeping to --max, and reports as JSON', async () => {
    const { code, stdout, stderr } = await run(
      'sweep',
      ...local,
      '--end',
      '--yes',
      '--max',
      '2',
      '--json',
    );

    const report = JSON.parse(stdout) as SweepReport;
    expect(code).toBe(0);
    // The two it listed, in the run's order: the other three qualifying are not in the run.
    expect(report.counts).toMatchObject({ candidates: 2, ended: 2 });
    expect(stops()).toHaveLength(2);
    expect(stderr).toMatch(/\(5 qualify; the sweeper's cap is 2 a run\)/);
    expect(stderr).toMatch(/^\[1\/2\] ended /m);
  });

  it.each([
    [false, 1, 0],
    [true, 0, 5],
  ])(
    'asks on a terminal before sweep --end, and ends only after a yes (yes: %s)',
    async (yes, exitCode, ended) => {
      const questions: string[] = [];
      const errors: string[] = [];
      const io: CliIo = {
        stdout: { write: () => true },
        stderr: { write: (text: string) => errors.push(text) },
        stdin: Object.assign(Readable.from([]), { isTTY: true }),
        onInterrupt: () => () => undefined,
        confirm: async (question) => {
          questions.push(question);
          return yes;
        },
      };

      const code = await main(['sweep', ...local, '--end'], io);

      expect(code).toBe(exitCode);
      expect(questions).toEqual(['End these 5, each after a last look?']);
      expect(stops()).toHaveLength(ended);
      if (!yes) expect(errors.join('')).toContain('Nothing ended.');
    },
  );

  it('finding 1: ends only the confirmed callbacks even when more cross the age limit while the question waits', async () => {
    const shownStuck = [
      contacts.callbackQueued3d,
      contacts.callbackQueued26h,
      contacts.callbackQueued30h,
      DEMO_IDS.secondInstance.contacts.callbackQueued2d,
      DEMO_IDS.secondInstance.contacts.callbackQueued28h,
    ];
    const errors: string[] = [];
    let shown = '';
    const io: CliIo = {
      stdout: { write: () => true },
      stderr: { write: (text: string) => errors.push(text) },
      stdin: Object.assign(Readable.from([]), { isTTY: true }),
      onInterrupt: () => () => undefined,
      confirm: async () => {
        shown = errors.join('');
        // While the question waits, four more callbacks are (by now) queued two days.
        system.connect.clock.advance(-2 * 86_400_000);
        for (const n of [1, 2, 3, 4]) {
          system.connect.actions.queueCallback(instanceId, {
            queueId: queues.general,
            customerPhoneNumber: `+1206555090${n}`,
          });
        }
        system.connect.clock.advance(2 * 86_400_000);
        await system.settled();
        return true;
      },
    };

    const code = await main(['sweep', ...local, '--end'], io);

    expect(code).toBe(0);
    for (const id of shownStuck) expect(shown).toContain(id);
    expect(
      stops()
        .map((entry) => entry.contactId)
        .sort(),
    ).toEqual([...shownStuck].sort());
  });

  it("finding 3: honours --instance with --local, ending only the named instance's callbacks", async () => {
    const second = DEMO_IDS.secondInstance;

    const { code, stdout } = await run(
      'sweep',
      ...local,
      '--instance',
      second.instanceId,
      '--end',
      '--yes',
      '--json',
    );

    const report = JSON.parse(stdout) as SweepReport;
    expect(code).toBe(0);
    expect(report.counts.ended).toBe(2);
    expect(
      stops()
        .map((entry) => entry.contactId)
        .sort(),
    ).toEqual([second.contacts.callbackQueued2d, second.contacts.callbackQueued28h].sort());
  });

  it('refuses an --instance the local system does not have, by name, and exits 2', async () => {
    const unknown = 'de300000-0000-4000-8000-0000000000ff';

    const { code, stderr } = await run('callbacks', ...local, '--instance', unknown);

    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^end-contact: --instance ${unknown} is not an instance of`));
  });

  it('follows the outcome of End a Contact in its exit code', async () => {
    const refused = await run(
      'end',
      contacts.chatQueued,
      ...local,
      '--instance',
      instanceId,
      '--security-user',
      'alex.agent',
    );
    const ended = await run(
      'end',
      contacts.chatQueued,
      ...local,
      '--instance',
      instanceId,
      '--security-user',
      'sam.supervisor',
    );

    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^Not ended: unauthorized/);
    expect(ended.code).toBe(0);
    expect(ended.stdout).toBe(`Ended contact ${contacts.chatQueued}.\n`);
  });

  it('stops a bulk end on Ctrl+C after the call in flight, with the summary so far, and exits 1', async () => {
    // Each stop takes 3 s: the Ctrl+C lands while the second one is in flight.
    system.connect.faults.set('StopContact', { latencyMs: 3_000 });
    const { child, finished } = start([
      'sweep',
      ...local,
      '--end',
      '--yes',
      '--older-than',
      '5m',
      '--json',
    ]);
    await lineOnStderr(child, /^\[1\/8\] ended /);
    // The second callback's last look has begun (its GetContactMetrics answered): it passed the
    // point where a stop request would prevent it, so its StopContact is the call in flight.
    const [first] = stops();
    await vi.waitFor(
      () => {
        const looks = system.connect
          .requestLog()
          .filter((entry) => entry.operation === 'GetContactMetrics');
        expect(looks.some((entry) => entry.contactId !== first?.contactId)).toBe(true);
      },
      { timeout: 20_000, interval: 10 },
    );

    child.kill('SIGINT');
    const { code, stdout, stderr } = await finished;

    const report = JSON.parse(stdout) as SweepReport;
    expect(code).toBe(1);
    expect(stderr).toContain('Stopping after the call in flight');
    expect(report).toMatchObject({ complete: false, stoppedEarly: 'stopped' });
    expect(report.counts).toMatchObject({ ended: 2, skipped: { stopped: 6 } });
    expect(stops()).toHaveLength(2);
  });
});
