import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';

/** Asks a yes/no question on a terminal; only "y" or "yes" is a yes, and Ctrl+C is a no. */
export async function confirm(
  question: string,
  input: Readable,
  output: Writable,
): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: true });
  const interrupted = new Promise<string>((resolve) => rl.once('SIGINT', () => resolve('')));
  try {
    const answer = await Promise.race([rl.question(`${question} [y/N] `), interrupted]);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
