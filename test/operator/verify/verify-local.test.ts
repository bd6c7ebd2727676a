import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../../local/connect/index.js';
import type { FunctionRole } from '../../../local/iam/role-policies.js';
import { type LocalSystem, startLocalSystem } from '../../../local/system.js';
import type { CliIo } from '../../../operator/cli/commands.js';
import { main } from '../../../operator/cli/main.js';

/** Runs the CLI in this process and keeps what it printed. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) > 0 },
    stderr: { write: (text: string) => err.push(text) > 0 },
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
    onInterrupt: () => () => undefined,
    confirm: async () => false,
  };
  const code = await main(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The tracker's role as a construct that forgot `table.grant(fn, 'dynamodb:UpdateItem')` makes it. */
function withoutTrackerUpdateItem(roles: readonly FunctionRole[]): readonly FunctionRole[] {
  return roles.map((role) =>
    role.service !== 'callback-tracker'
      ? role
      : {
          ...role,
          policies: role.policies.map(({ name, document }) => ({
            name,
            document: {
              ...document,
              Statement: document.Statement.map((statement) => ({
                ...statement,
                Action: [statement.Action as string | string[]]
                  .flat()
                  .filter((action) => action !== 'dynamodb:UpdateItem'),
              })).filter((statement) => statement.Action.length > 0),
            },
          })),
        },
  );
}

describe('end-contact verify --local', () => {
  let system: LocalSystem;
  let broken: LocalSystem;

  beforeAll(async () => {
    [system, broken] = await Promise.all([
      startLocalSystem({ port: 0, connectPort: 0 }),
      startLocalSystem({ port: 0, connectPort: 0, adjustRoles: withoutTrackerUpdateItem }),
    ]);
    // A queued callback the tracker has just written, so the tracker check can tell.
    await system.settled();
  });

  afterAll(async () => {
    await Promise.all([system?.close(), broken?.close()]);
  });

  it('passes against a started local system, every check ok or not applicable', async () => {
    const { code, stdout, stderr } = await cli('verify', '--local', system.url);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').slice(1, -1);
    for (const check of [
      'stack outputs',
      'role of end-contact',
      'role of stop-contact-api',
      'role of callback-tracker',
      'role of callback-sweeper',
      'Lambda in instance',
      'report-mode sweep',
    ]) {
      expect(lines.find((l) => l.includes(check))).toMatch(/^ok /);
    }
    expect(lines.every((l) => !l.startsWith('FAIL'))).toBe(true);
  });

  it('fails naming the check and the call when a construct drops the tracker UpdateItem grant', async () => {
    const { code, stdout } = await cli('verify', '--local', broken.url);

    expect(code).toBe(1);
    const line = stdout.split('\n').find((l) => l.includes('role of callback-tracker'));
    expect(line).toMatch(
      /^FAIL +role of callback-tracker .*dynamodb:UpdateItem on arn:aws:dynamodb:/,
    );
    expect(stdout).toMatch(/^ok +role of callback-sweeper/m);
  });

  it('answers --json with one result per check', async () => {
    const { code, stdout } = await cli('verify', '--local', system.url, '--json');

    expect(code).toBe(0);
    const { results } = JSON.parse(stdout) as { results: { check: string; status: string }[] };
    expect(results.map((r) => r.check)).toContain('role of callback-tracker');
  });

  it('refuses --queue without --end-to-end as a usage error', async () => {
    const { code, stderr } = await cli('verify', '--local', system.url, '--queue', 'q-1');

    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/--queue and --flow go with --end-to-end/);
  });

  it('with --end-to-end, queues a task, ends it through the End a Contact door and sees it ended', async () => {
    const queueId = DEMO_IDS.queues.general;
    const before = system.connect.requestLog().length;

    const { code, stdout } = await cli(
      'verify',
      '--local',
      system.url,
      '--end-to-end',
      '--queue',
      queueId,
    );

    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        `^ok +end to end +task \\S+ started in queue ${queueId}, ended \\(OnSuccess\\), seen ended at `,
        'm',
      ),
    );
    // The task was ended by the function's StopContact, not left behind.
    const stops = system.connect
      .requestLog()
      .slice(before)
      .filter((entry) => entry.operation === 'StopContact');
    expect(stops.map((entry) => entry.status)).toEqual([200]);
  });

  it('refuses --flow with --local by name: the local Connect runs no contact flows', async () => {
    const { code, stderr } = await cli(
      'verify',
      '--local',
      system.url,
      '--end-to-end',
      '--queue',
      DEMO_IDS.queues.general,
      '--flow',
      'f-1',
    );

    expect(code).toBe(2);
    expect(stderr).toMatch(/--flow does not go with --local/);
  });
});
