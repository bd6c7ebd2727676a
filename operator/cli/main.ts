import { createRequire } from 'node:module';
import { namingPort } from '../../common/command-line.js';
import type { OperatorApi } from '../core/api.js';
import { connectAws } from '../core/aws-target.js';
import { describeAccessError, OperatorInputError, TargetError } from '../core/errors.js';
import { createOperatorApi } from '../core/operator.js';
import { connectLocal, type OperatorConnection } from '../core/target.js';
import {
  type CommandLine,
  type CommandName,
  commands,
  defaultLocalUrl,
  integerOption,
  parseCommandLine,
  UsageError,
} from './args.js';
import { type CliIo, runCommand } from './commands.js';
import { runVerify } from './verify.js';

/** Rows of `flag  description`, the descriptions aligned in one column. */
function columns(rows: readonly (readonly [string, string])[], width = HELP_WIDTH): string {
  const indent = '  ';
  return rows.map(([flag, text]) => `${indent}${flag.padEnd(width)}${text}`).join('\n');
}

/** Where every help's descriptions start: past the longest flag of any command. */
const HELP_WIDTH = 27;

const TARGET_HELP = [
  ['--local [URL]', `the system npm start runs (default ${defaultLocalUrl})`],
  ['--stack NAME', 'a deployed stack, by its CloudFormation outputs'],
  ['--table T --instance ID', "a registry table and instance, with the sweeper's defaults"],
  ['--profile P', 'AWS credentials profile (standard credential chain)'],
  ['--region R', 'AWS Region'],
] as const;

const OUTPUT_HELP = [
  ['--output table|json', 'tables (default) or JSON; --json is short for --output json'],
  ['-h, --help', 'this help'],
] as const;

export const HELP = `Usage: npm run cli -- <command> [options]    (or end-contact <command>, once linked)

What operators of amazon-connect-end-contact ask for: which callbacks are queued, for how long,
and ending the ones they choose through the sweeper's verified path (docs/cli.md).

Commands:
${columns(Object.values(commands).map((c) => [c.usage.split(' ')[0] as string, c.summary]))}

Where it points (one of):
${columns(TARGET_HELP)}

Output:
${columns([...OUTPUT_HELP, ['--version', 'the version']])}

Exit codes: 0 all succeeded, 1 something failed, 2 usage error.
end-contact <command> --help shows a command's options.`;

/** `end-contact <command> --help`: its usage, its own options, then the shared ones. */
export function commandHelp(name: CommandName): string {
  const command = commands[name];
  const own = command.help as readonly (readonly [string, string])[];
  return `Usage: npm run cli -- ${command.usage} <target> [--output table|json]

${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.
${own.length > 0 ? `\nOptions:\n${columns(own)}\n` : ''}
Where it points (one of):
${columns(TARGET_HELP)}

Output:
${columns(OUTPUT_HELP)}`;
}

/** `end-contact --version`: the package's version, and the Node.js running it. */
export function versionLine(): string {
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  return `end-contact ${version} (Node.js ${process.version})`;
}

/** The target the options name: the local system, or an AWS account. */
async function connect(values: CommandLine['values']): Promise<OperatorConnection> {
  const instanceIds = values.instance as string[] | undefined;
  if (values.local !== undefined) {
    const clash = ['stack', 'table', 'profile', 'region'].find((o) => values[o] !== undefined);
    if (clash) throw new UsageError(`--local and --${clash} point to different places: use one`);
    return connectLocal(String(values.local), instanceIds);
  }
  if (values.stack === undefined && values.table === undefined) {
    throw new UsageError(
      'no target: pass --local for the system npm start runs, --stack NAME for a deployed stack, or --table T --instance ID',
    );
  }
  if (values.stack !== undefined && values.table !== undefined) {
    throw new UsageError('--stack and --table both name the table: use one');
  }
  return connectAws({
    ...(values.stack !== undefined ? { stack: String(values.stack) } : {}),
    ...(values.table !== undefined ? { tableName: String(values.table) } : {}),
    ...(instanceIds ? { instanceIds } : {}),
    ...(values.profile !== undefined ? { profile: String(values.profile) } : {}),
    ...(values.region !== undefined ? { region: String(values.region) } : {}),
  });
}

/** `console`: the web console over the same API, on 127.0.0.1, until Ctrl+C. */
async function runConsole(
  line: CommandLine,
  api: OperatorApi,
  requestedBy: string,
  io: CliIo,
): Promise<number> {
  const port = integerOption('port', line.values.port, 0);
  const { startConsole } = await import('../console/server.js');
  const running = await namingPort('--port', port ?? 0, () =>
    startConsole(api, { ...(port !== undefined ? { port } : {}), requestedBy }),
  );
  if (line.values.json) io.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
  else io.stdout.write(`Console for ${api.target.label}: ${running.url}\nCtrl+C stops it.\n`);
  await new Promise<void>((resolve) => {
    const stopListening = io.onInterrupt(() => {
      stopListening();
      resolve();
    });
  });
  await running.close();
  return 0;
}

/** The error as one line, and its exit code: 2 for what the operator typed, 1 for the rest. */
export function describeError(error: unknown, command?: string): { line: string; exitCode: 1 | 2 } {
  if (error instanceof UsageError || error instanceof OperatorInputError) {
    const help =
      command && command in commands ? `end-contact ${command} --help` : 'end-contact --help';
    return { line: `${error.message} (${help})`, exitCode: 2 };
  }
  if (error instanceof TargetError) return { line: error.message, exitCode: 1 };
  const access = describeAccessError(error);
  if (access) return { line: access, exitCode: 1 };
  const { name = 'Error', message = String(error) } = error as Error;
  return { line: `unexpected ${name}: ${String(message).split('\n')[0]}`, exitCode: 1 };
}

/** Runs one command line and returns its exit code; never throws, never prints a stack trace. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const line = parseCommandLine(argv);
    if (line.values.version) {
      io.stdout.write(`${versionLine()}\n`);
      return 0;
    }
    if (!line.command || line.values.help) {
      io.stdout.write(`${line.command ? commandHelp(line.command) : HELP}\n`);
      return 0;
    }
    if (line.command === 'verify') return await runVerify(line, io);
    const connection = await connect(line.values);
    const api = createOperatorApi(connection);
    try {
      if (line.command === 'console') {
        return await runConsole(line, api, connection.requestedBy, io);
      }
      return await runCommand[line.command]({
        line,
        api,
        io,
        requestedBy: connection.requestedBy,
      });
    } finally {
      await api.close();
    }
  } catch (error) {
    const { line, exitCode } = describeError(error, argv[0]);
    io.stderr.write(`end-contact: ${line}\n`);
    return exitCode;
  }
}
