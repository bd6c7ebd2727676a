import { parseArgs } from 'node:util';
import { UsageError } from '../../local/cli.js';

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
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies Record<string, Option>;

const queueAndAge = {
  queue: { type: 'string', multiple: true },
  'older-than': { type: 'string' },
} satisfies Record<string, Option>;

/** Each command's own options, and how many positionals it takes. */
export const commands = {
  end: { options: { 'security-user': { type: 'string' } }, positionals: ['contactId'] },
  queues: { options: {}, positionals: [] },
  callbacks: { options: { ...queueAndAge, limit: { type: 'string' } }, positionals: [] },
  sweep: {
    options: {
      ...queueAndAge,
      max: { type: 'string' },
      end: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
    },
    positionals: [],
  },
  audit: { options: { limit: { type: 'string' } }, positionals: [] },
  console: { options: { port: { type: 'string' } }, positionals: [] },
  verify: {
    options: {
      'end-to-end': { type: 'boolean' },
      queue: { type: 'string' },
      flow: { type: 'string' },
    },
    positionals: [],
  },
} satisfies Record<string, { options: Record<string, Option>; positionals: string[] }>;

export type CommandName = keyof typeof commands;

export interface CommandLine {
  command: CommandName | undefined;
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/**
 * `--local` may stand alone (npm start's default URL) or name a URL; node's parseArgs has no
 * optional values, so a bare `--local` gets the default written in.
 */
function withLocalDefault(argv: readonly string[]): string[] {
  return argv.flatMap((arg, i) => {
    if (arg !== '--local') return [arg];
    const next = argv[i + 1];
    return next !== undefined && /^https?:\/\//.test(next) ? [arg] : [`--local=${defaultLocalUrl}`];
  });
}

/** One line for node's parseArgs errors: which option, and what is wrong with it. */
function usageLine(error: unknown, command: string): UsageError {
  const { code, message } = error as { code?: string; message: string };
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new UsageError(`unknown option ${option ?? message} for ${command}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new UsageError(
      `${option ?? 'an option'} ${/argument missing/.test(message) ? 'needs a value' : message.split('.')[0]}`,
    );
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new UsageError(`${command} takes no argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}`);
  }
  return new UsageError(message.split('\n')[0] ?? message);
}

/** The command line, checked: an unknown command or option, or a missing value, is a UsageError. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = withLocalDefault(argv);
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    return { command: undefined, positionals: [], values: { help: true } };
  }
  if (!(first in commands)) {
    throw new UsageError(
      `unknown command "${first}": use one of ${Object.keys(commands).join(', ')}`,
    );
  }
  const command = first as CommandName;
  const spec = commands[command];
  let parsed: { values: CommandLine['values']; positionals: string[] };
  try {
    const options: Record<string, Option> = { ...targetOptions, ...spec.options };
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true }) as never;
  } catch (error) {
    throw usageLine(error, command);
  }
  const { values, positionals } = parsed;
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
