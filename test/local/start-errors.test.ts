import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);

/** `npm start` as its script runs it, with extra environment variables; never throws. */
async function start(env: Record<string, string>, args: string[] = []) {
  return exec(
    process.execPath,
    ['--import', 'tsx', 'local/start.ts', '--port', '0', '--connect-port', '0', ...args],
    { env: { ...process.env, ...env }, timeout: 60_000 },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('npm start with a configuration mistake', () => {
  it.each([
    [
      { MAX_QUEUED_AGE: 'banana' },
      /^npm start: environment variable MAX_QUEUED_AGE must be a duration/,
    ],
    [
      { DUPLICATES_POLICY: 'keep-oldest' },
      /^npm start: environment variable PHONE_HASH_SALT must be set/,
    ],
    [{ SWEEP_MODE: 'yes' }, /^npm start: environment variable SWEEP_MODE must be report or end/],
  ])('prints one line naming the variable and its fix for %j, and exits 1', async (env, line) => {
    const { code, stdout, stderr } = await start(env);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(line)]);
  });

  it('prints one line for an unknown option, pointing at --help, and exits 1', async () => {
    const { code, stderr } = await start({}, ['--bogus']);

    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'npm start: unknown option --bogus (npm start -- --help lists the options)',
    ]);
  });
});
