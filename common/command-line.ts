import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A command-line option is wrong; the message says which and how. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** A port option names a port something else listens on; the message is the one line to print. */
export class PortInUseError extends UsageError {
  constructor(flag: string, port: number, options?: ErrorOptions) {
    super(
      `port ${port} is in use: pass ${flag} <another port>, or ${flag} 0 for a free one`,
      options,
    );
    this.name = 'PortInUseError';
  }
}

/** Rethrows EADDRINUSE from `start` as a PortInUseError naming `flag`. */
export async function namingPort<T>(
  flag: string,
  port: number,
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(flag, port, { cause: error });
    }
    throw error;
  }
}

/** Reads a port option: 0 picks a free port. */
export function parsePort(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`${flag} must be a port number from 0 to 65535, got "${value}"`);
  }
  return port;
}

/**
 * Stops on SIGINT or SIGTERM by closing `close`, then exits 0; a second signal exits at once
 * with 130, as a shell expects after Ctrl+C.
 */
export function stopOnSignals(close: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * node's parseArgs, strict, with its errors as one UsageError line naming the option: "unknown
 * option --x for <command>", "--x needs a value", "<command> takes no argument y". Without a
 * command (a program of one command), "unknown option --x", "takes no argument y".
 */
export function parseOptions<T extends Omit<ParseArgsConfig, 'strict'>>(
  config: T,
  command?: string,
) {
  try {
    return parseArgs({ ...config, strict: true });
  } catch (error) {
    throw usageLine(error, command);
  }
}

function usageLine(error: unknown, command: string | undefined): UsageError {
  const { code, message } = error as { code?: string; message: string };
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new UsageError(
      `unknown option ${option ?? message}${command === undefined ? '' : ` for ${command}`}`,
    );
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new UsageError(
      `${option ?? 'an option'} ${/argument missing/.test(message) ? 'needs a value' : message.split('.')[0]}`,
    );
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new UsageError(
      `${command ?? ''} takes no argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}`.trim(),
    );
  }
  return new UsageError(message.split('\n')[0] ?? message);
}
