import { execFile, spawn } from 'node:child_process';
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

describe('npm start at POWERTOOLS_LOG_LEVEL=INFO', () => {
  it('prints its log lines above the banner, and the banner names the CLI', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/start.ts', '--port', '0', '--connect-port', '0'],
      { env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('Press Ctrl+C to stop.')) resolve();
      });
    });
    child.kill('SIGTERM');

    const lines = stdout.split('\n');
    const banner = lines.indexOf('amazon-connect-end-contact is running locally.');
    expect(lines.slice(0, banner).some((line) => line.startsWith('{"level":"INFO"'))).toBe(true);
    expect(lines.slice(banner).filter((line) => line.startsWith('{'))).toEqual([]);
    expect(lines.slice(banner)).toContainEqual(
      expect.stringMatching(
        /Operator CLI: +npm run cli -- queues --local http:\/\/127\.0\.0\.1:\d+/,
      ),
    );
  }, 60_000);
});
