import type { OperatorApi } from '../../lambdas/core/operator/api.js';
import { connectAws } from '../../lambdas/core/operator/aws-target.js';
import {
  describeAccessError,
  OperatorInputError,
  TargetError,
} from '../../lambdas/core/operator/errors.js';
import { createOperatorApi } from '../../lambdas/core/operator/operator.js';
import { connectLocal, type OperatorConnection } from '../../lambdas/core/operator/target.js';
import { namingPort } from '../../local/cli.js';
import {
  type CommandLine,
  defaultLocalUrl,
  integerOption,
  parseCommandLine,
  UsageError,
} from './args.js';
import { type CliIo, runCommand } from './commands.js';
import { runVerify } from './verify.js';

export const HELP = `Usage: npm run cli -- <command> [options]    (or end-contact <command>, once linked)

What operators of amazon-connect-end-contact ask for: which callbacks are queued, for how long,
and ending the ones they choose through the sweeper's verified path (docs/cli.md).

Commands:
  end <contactId> [--instance ID] [--security-user USER]   End a Contact (any contact), as CXone does
  queues                                 per queue: tracked callbacks and Connect's real-time figures
  callbacks [--queue Q]... [--older-than 2h] [--limit N]   tracked callbacks, oldest first
  sweep [--queue Q]... [--older-than 2h] [--max N]   what the sweeper would end (changes nothing)
  sweep ... --end [--yes]                ends them, after a count and a yes (--yes: no question)
  audit [--limit N]                      what the sweeper ended or meant to, newest first
  console [--port P]                     the web console on 127.0.0.1
  verify [--end-to-end --queue ID [--flow ID]]   checks a deploy, one line per check (docs/deploy.md)

Where it points (one of):
  --local [URL]        the system npm start runs                        default ${defaultLocalUrl}
  --stack NAME         a deployed stack, by its CloudFormation outputs
  --table T --instance ID   a registry table and instance, with the sweeper's default settings
  --profile P, --region R   AWS credentials profile and Region (standard credential chain)

Output: tables, or --json. Exit codes: 0 all succeeded, 1 something failed, 2 usage error.`;

/** The target the options name: the local system, or an AWS account. */
async function connect(values: CommandLine['values']): Promise<OperatorConnection> {
  const instanceIds = values.instance as string[] | undefined;
  if (values.local !== undefined) {
    const clash = ['stack', 'table', 'profile', 'region'].find((o) => values[o] !== undefined);
    if (clash) throw new UsageError(`--local and --${clash} point to different places: use one`);
    return connectLocal(String(values.local));
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
export function describeError(error: unknown): { line: string; exitCode: 1 | 2 } {
  if (error instanceof UsageError || error instanceof OperatorInputError) {
    return { line: `${error.message} (end-contact --help)`, exitCode: 2 };
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
    if (!line.command || line.values.help) {
      io.stdout.write(`${HELP}\n`);
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
    const { line, exitCode } = describeError(error);
    io.stderr.write(`end-contact: ${line}\n`);
    return exitCode;
  }
}
