/**
 * The CLI's process: `npm run cli -- <command>`, or the `end-contact` bin. Wires the process's
 * streams and signals to main() and exits with its code.
 */

import { main } from './main.js';
import { confirm } from './prompt.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

let interrupted = false;
const handlers = new Set<() => void>();
// First Ctrl+C: whoever listens stops gracefully; the second, or one nobody handles, quits now.
process.on('SIGINT', () => {
  if (interrupted || handlers.size === 0) process.exit(130);
  interrupted = true;
  for (const handler of handlers) handler();
});

const exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  onInterrupt(handler) {
    handlers.add(handler);
    return () => handlers.delete(handler);
  },
  confirm: (question) => confirm(question, process.stdin, process.stderr),
});
process.exit(exitCode);
