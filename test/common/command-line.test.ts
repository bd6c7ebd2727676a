import { describe, expect, it } from 'vitest';
import { parseOptions, parsePort, UsageError } from '../../common/command-line.js';

const options = { port: { type: 'string' }, verbose: { type: 'boolean' } } as const;

function lineOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseOptions', () => {
  it('returns the values node parsed', () => {
    expect(parseOptions({ args: ['--port', '8017', '--verbose'], options }).values).toEqual({
      port: '8017',
      verbose: true,
    });
  });

  it('names an unknown option, and the command when there is one', () => {
    expect(lineOf(() => parseOptions({ args: ['--bogus'], options }))).toBe(
      'unknown option --bogus',
    );
    expect(lineOf(() => parseOptions({ args: ['--bogus'], options }, 'queues'))).toBe(
      'unknown option --bogus for queues',
    );
  });

  it('says an option needs a value in one line', () => {
    expect(lineOf(() => parseOptions({ args: ['--port'], options }))).toBe('--port needs a value');
  });

  it('refuses an argument a command does not take', () => {
    expect(lineOf(() => parseOptions({ args: ['extra'], options }, 'queues'))).toBe(
      'queues takes no argument extra',
    );
  });
});

describe('parsePort', () => {
  it('reads 0 as a free port and refuses what is not a port, naming the flag', () => {
    expect(parsePort('--port', '0', 3000)).toBe(0);
    expect(parsePort('--port', undefined, 3000)).toBe(3000);
    expect(lineOf(() => parsePort('--port', '70000', 3000))).toBe(
      '--port must be a port number from 0 to 65535, got "70000"',
    );
  });
});
