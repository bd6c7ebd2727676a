import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../../local/connect/index.js';
import { type LocalSystem, startLocalSystem } from '../../../local/system.js';
import type { CliIo } from '../../../operator/cli/commands.js';
import { main } from '../../../operator/cli/main.js';

const { queues, contacts, instanceId } = DEMO_IDS;

/** main() with captured streams and no terminal. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) > 0 },
    stderr: { write: (text: string) => err.push(text) > 0 },
    stdin: Readable.from([]),
    onInterrupt: () => () => undefined,
    confirm: async () => false,
  };
  const code = await main(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('the CLI, in the AWS CLI’s habits', () => {
  let system: LocalSystem;
  let local: string[];

  beforeAll(async () => {
    // These CLI runs are in-process and come back to back, each reading the queue names
    // (ListQueues, 2/s with a burst of 5): far faster than an operator types, so Connect's quotas
    // would throttle the names away (a name is a courtesy: the ID then stands alone) by timing alone.
    system = await startLocalSystem({ port: 0, connectPort: 0, quotas: false });
    local = ['--local', system.url];
  });
  afterAll(() => system.close());

  it('names each queue and its instance in queues --json, keeping the IDs', async () => {
    const { code, stdout } = await cli('queues', ...local, '--json');

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toContainEqual(
      expect.objectContaining({
        instanceId,
        instanceAlias: 'demo-contact-center',
        queueId: queues.billing,
        queueName: 'Billing',
      }),
    );
  });

  it('prints the queues table with an instance column, names, IDs and a STATUS header', async () => {
    const { stdout } = await cli('queues', ...local, '--output', 'table');

    const [header, ...rows] = stdout.trimEnd().split('\n');
    expect(header).toMatch(
      /^INSTANCE\s+QUEUE\s+QUEUE ID\s+TRACKED\s+OLDEST TRACKED\s+IN QUEUE\s+OLDEST IN QUEUE\s+STATUS$/,
    );
    expect(rows).toContainEqual(
      expect.stringMatching(new RegExp(`^demo-contact-center\\s+Billing\\s+${queues.billing}\\s`)),
    );
  });

  it('names the queue of each callback in the callbacks table', async () => {
    const { stdout } = await cli('callbacks', ...local, '--queue', queues.billing);

    expect(stdout).toMatch(new RegExp(`${contacts.callbackQueued3d}\\s+Billing\\s+3d`));
  });

  it('names the queue of each callback a sweep would end', async () => {
    const { code, stdout } = await cli('sweep', ...local);

    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`${contacts.callbackQueued3d}\\s+Billing\\s+would-end`));
  });

  it('takes --output json as --json does', async () => {
    const asOutput = await cli('callbacks', ...local, '--output', 'json', '--limit', '2');
    const asJson = await cli('callbacks', ...local, '--json', '--limit', '2');

    const ids = (text: string) =>
      (JSON.parse(text) as { contactId: string }[]).map((c) => c.contactId);
    expect(ids(asOutput.stdout)).toHaveLength(2);
    expect(ids(asOutput.stdout)).toEqual(ids(asJson.stdout));
  });

  it('prints its version with --version and exits 0', async () => {
    const { code, stdout } = await cli('--version');

    expect(code).toBe(0);
    expect(stdout).toMatch(/^end-contact 0\.1\.0 \(Node\.js v\d+/);
  });

  it("prints a command's own help for <command> --help, with its options aligned", async () => {
    const { code, stdout } = await cli('callbacks', '--help');

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run cli -- callbacks /);
    const starts = stdout
      .split('\n')
      .filter((l) => /^ {2}-/.test(l))
      .map((l) => l.search(/ {2}\S/) + 2);
    expect(new Set(starts).size).toBe(1);
    expect(stdout).toContain('--older-than AGE');
  });

  it.each([
    [['callbacks', '--limit', '-1'], /^--limit must be a whole number of 1 or more, got "-1"/],
    [['queues', '--output', 'yaml'], /^--output must be table or json, got "yaml"/],
    [['queues'], /^no target: pass --local /],
    [
      ['end', contacts.callbackQueued3d, '--instance', 'nope'],
      /^--instance nope is not an instance/,
    ],
  ])('answers %j in one line naming the flag and the fix, and exits 2', async (args, message) => {
    const withTarget = args[0] === 'queues' && args.length === 1 ? args : [...args, ...local];

    const { code, stdout, stderr } = await cli(...withTarget);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.replace(/^end-contact: /, '')).toMatch(message);
    expect(lines[0]).toMatch(new RegExp(`\\(end-contact ${args[0]} --help\\)$`));
  });
});
