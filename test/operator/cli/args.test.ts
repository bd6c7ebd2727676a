import { describe, expect, it } from 'vitest';
import { defaultLocalUrl, parseCommandLine, UsageError } from '../../../operator/cli/args.js';

describe('parseCommandLine', () => {
  it('points a bare --local at the port npm start listens on', () => {
    expect(parseCommandLine(['queues', '--local']).values.local).toBe(defaultLocalUrl);
    expect(parseCommandLine(['queues', '--local', '--json']).values).toMatchObject({
      local: defaultLocalUrl,
      json: true,
    });
  });

  it('takes the URL that follows --local', () => {
    expect(parseCommandLine(['queues', '--local', 'http://127.0.0.1:4000']).values.local).toBe(
      'http://127.0.0.1:4000',
    );
  });

  it('collects a repeated --queue', () => {
    const line = parseCommandLine(['sweep', '--queue', 'q-1', '--queue', 'q-2', '--end', '--yes']);

    expect(line.values).toMatchObject({ queue: ['q-1', 'q-2'], end: true, yes: true });
  });

  it.each([
    [['queues', '--end'], 'unknown option --end for queues'],
    [['callbacks', '--older-than'], '--older-than needs a value'],
    [['queues', 'extra'], 'queues takes no argument, got "extra"'],
    [['end', 'c-1', 'c-2'], 'end needs <contactId>, got also "c-2"'],
  ])('refuses %j with one line: %s', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });

  it('reads no command as a request for help', () => {
    expect(parseCommandLine([])).toMatchObject({ command: undefined, values: { help: true } });
  });
});
