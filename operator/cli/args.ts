import { parseOptions, UsageError } from '../../common/command-line.js';

export { UsageError };

/** Where `--local` points when it names no URL: the port `npm start` listens on by default. */
export const defaultLocalUrl = 'http://127.0.0.1:3000';

type Option = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };

/** Options every command takes: where it points, and how it prints. */
const targetOptions = {
  local: { type: 'string' },
  stack: { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
  table: { type: 'string' },
  instance: { type: 'string', multiple: true },
  output: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies Record<string, Option>;

const queueAndAge = {
  queue: { type: 'string', multiple: true },
  'older-than': { type: 'string' },
} satisfies Record<string, Option>;

/** Each command's own options, how many positionals it takes, and its help. */
export const commands = {
  end: {
    options: { 'security-user': { type: 'string' } },
    positionals: ['contactId'],
    summary: 'End a Contact (any contact), as CXone does',
    usage: 'end <contactId> [--instance ID] [--security-user USER]',
    help: [
      ['--instance ID', "the contact's instance (needed when the target has several)"],
      ['--security-user USER', 'end only if USER may (StopContact.Enabled), as CXone checks'],
    ],
  },
  queues: {
    options: {},
    positionals: [],
    summary: "per queue: tracked callbacks and Connect's real-time figures",
    usage: 'queues',
    help: [],
  },
  callbacks: {
    options: { ...queueAndAge, limit: { type: 'string' } },
    positionals: [],
    summary: 'tracked callbacks, oldest first',
    usage: 'callbacks [--queue Q]... [--older-than 2h] [--limit N]',
    help: [
      ['--queue Q', 'only this queue (ID or ARN); repeat for several'],
      ['--older-than AGE', 'only callbacks queued at least this long (90m, 2h, 3d)'],
      ['--limit N', 'at most N callbacks (default 1000)'],
    ],
  },
  sweep: {
    options: {
      ...queueAndAge,
      max: { type: 'string' },
      end: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
    },
    positionals: [],
    summary: 'what the sweeper would end; with --end, ends them after a yes',
    usage: 'sweep [--queue Q]... [--older-than 2h] [--max N] [--end [--yes]]',
    help: [
      ['--queue Q', "only this queue (ID or ARN), within the sweeper's allow list"],
      ['--older-than AGE', "replaces the sweeper's maxQueuedAge (90m, 2h, 3d)"],
      ['--max N', "at most N ends (never above the sweeper's cap)"],
      ['--end', 'end them, after a count and a question (otherwise nothing changes)'],
      ['-y, --yes', 'no question (required when stdin is not a terminal)'],
    ],
  },
  audit: {
    options: { limit: { type: 'string' } },
    positionals: [],
    summary: 'what the sweeper ended or meant to, newest first',
    usage: 'audit [--limit N]',
    help: [['--limit N', 'at most N records (default 50)']],
  },
  console: {
    options: { port: { type: 'string' } },
    positionals: [],
    summary: 'the web console on 127.0.0.1, until Ctrl+C',
    usage: 'console [--port P]',
    help: [['--port P', 'port to listen on (default: a free one)']],
  },
  verify: {
    options: {
      'end-to-end': { type: 'boolean' },
      queue: { type: 'string' },
      flow: { type: 'string' },
    },
    positionals: [],
    summary: 'checks a deploy, one line per check (docs/deploy.md)',
    usage: 'verify [--end-to-end --queue ID [--flow ID]]',
    help: [
      ['--end-to-end', 'also start a task, end it through the Lambda and see it ended'],
      ['--queue ID', 'the queue the end-to-end task is routed to (with --end-to-end)'],
      ['--flow ID', 'the contact flow that starts the task (default: the sample flow)'],
    ],
  },
} satisfies Record<
  string,
  {
    options: Record<string, Option>;
    positionals: string[];
    summary: string;
    usage: string;
    help: [string, string][];
  }
>;

export type CommandName = keyof typeof commands;

export interface CommandLine {
  command: CommandName | undefined;
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/** Options that take a value: a value such as `-1` is still theirs, for the range check to name. */
const valueOptions = new Set(
  Object.values(commands).flatMap((c) =>
    Object.entries({ ...targetOptions, ...c.options }).flatMap(([name, o]) =>
      o.type === 'string' ? [`--${name}`] : [],
    ),
  ),
);

/**
 * `--local` may stand alone (npm start's default URL) or name a URL; node's parseArgs has no
 * optional values, so a bare `--local` gets the default written in. A negative number after an
 * option that takes a value is joined to it (`--limit=-1`), as parseArgs would read it as a flag.
 */
function withLocalDefault(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (arg === '--local') {
      out.push(
        next !== undefined && /^https?:\/\//.test(next) ? arg : `--local=${defaultLocalUrl}`,
      );
    } else if (valueOptions.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** The command line, checked: an unknown command or option, or a missing value, is a UsageError. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = withLocalDefault(argv);
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    return { command: undefined, positionals: [], values: { help: true } };
  }
  if (first === '--version')
    return { command: undefined, positionals: [], values: { version: true } };
  if (!(first in commands)) {
    throw new UsageError(
      `unknown command "${first}": use one of ${Object.keys(commands).join(', ')}`,
    );
  }
  const command = first as CommandName;
  const spec = commands[command];
  const options: Record<string, Option> = { ...targetOptions, ...spec.options };
  const { values, positionals } = parseOptions(
    { args: rest, options, allowPositionals: true },
    command,
  ) as { values: CommandLine['values']; positionals: string[] };
  if (values.output !== undefined) {
    if (values.output !== 'json' && values.output !== 'table') {
      throw new UsageError(`--output must be table or json, got "${values.output}"`);
    }
    if (values.output === 'table' && values.json) {
      throw new UsageError('--output table and --json disagree: use one');
    }
    values.json = values.output === 'json';
  }
  if (!values.help && positionals.length !== spec.positionals.length) {
    throw new UsageError(
      spec.positionals.length === 0
        ? `${command} takes no argument, got "${positionals[0]}"`
        : `${command} needs <${spec.positionals.join('> <')}>${positionals.length > spec.positionals.length ? `, got also "${positionals[spec.positionals.length]}"` : ''}`,
    );
  }
  return { command, positionals, values };
}

/** A whole number from `min` up, or a UsageError naming the option. */
export function integerOption(name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} must be a whole number of ${min} or more, got "${value}"`);
  }
  return n;
}
