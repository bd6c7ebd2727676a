/**
 * `npm start [-- --port <p>] [--connect-port <p>]`: the whole system on this machine, on the
 * local Amazon Connect. Runs until Ctrl+C (SIGINT) or SIGTERM; the npm script `exec`s node, so a
 * signal to npm reaches this process.
 */
import {
  PortInUseError,
  parseOptions,
  parsePort,
  stopOnSignals,
  UsageError,
} from '../common/command-line.js';
import { parseDurationMs } from '../lambdas/core/duration.js';
import { ConfigurationError } from '../lambdas/core/errors.js';
import { describeSweepPolicies } from './demo-policies.js';
import { describeSweep } from './sweep-summary.js';
import { curlExamples, startLocalSystem, toCurl } from './system.js';

const HELP = `Usage: npm start -- [options]

Runs amazon-connect-end-contact locally: the local Amazon Connect seeded with a demo contact
center, and the project's handlers served over HTTP, calling it through the real AWS SDK.

Options (after --, e.g. npm start -- --port 0):
  --port <p>          port of the handlers' HTTP server (0 picks a free one)   default 3000
  --connect-port <p>  port of the local Amazon Connect (0 picks a free one)    default 8017
  --console-port <p>  port of the operator console (0 picks a free one)      default 0
  --no-quotas         switch the local Connect's API quotas off
  --no-iam            switch local IAM off: no call is checked against its role (experiments only)
  --sweep-every <d>   how often the callback sweeper runs (report mode)      default 15m
  --help              show this help`;

async function main(): Promise<void> {
  const { values } = parseOptions({
    options: {
      port: { type: 'string' },
      'connect-port': { type: 'string' },
      'console-port': { type: 'string' },
      'no-quotas': { type: 'boolean' },
      'no-iam': { type: 'boolean' },
      'sweep-every': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  // The sweeper's CloudWatch metrics (EMF) are for CloudWatch, not for this console. Powertools
  // reads these when the handlers are created, in startLocalSystem below.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

  const sweepEvery = values['sweep-every'] ?? '15m';
  const sweepEveryMs = parseDurationMs(sweepEvery);
  if (sweepEveryMs === undefined || sweepEveryMs < 1_000) {
    throw new UsageError(
      `--sweep-every must be a duration of 1s or more such as 30s, 5m or 1h, got "${sweepEvery}"`,
    );
  }
  const system = await startLocalSystem({
    port: parsePort('--port', values.port, 3000),
    connectPort: parsePort('--connect-port', values['connect-port'], 8017),
    consolePort: parsePort('--console-port', values['console-port'], 0),
    quotas: !values['no-quotas'],
    iam: !values['no-iam'],
    sweepEveryMs,
    onSweep: (trigger, result) => console.log(describeSweep(trigger, result)),
  });
  // Listen for signals before the banner: whoever reads it may stop us at once.
  stopOnSignals(() => system.close());
  await system.sweep('first');
  // The tracker's start-up log lines (at INFO) land above the banner, never inside or below it.
  await system.settled();

  const lines = [
    'amazon-connect-end-contact is running locally.',
    '',
    `  Handlers (HTTP):        ${system.url}`,
    '    POST /flow/end-contact   the flow Lambda: a contact-flow event, or just its parameters',
    '    POST /flow/run           the sample flow calling the End a Contact module: {"TargetContactId":…,"SecurityUser":…}',
    '    POST /contact/stop       the HTTP API: StopContact request shape',
    '    POST /sweeper/run        the callback sweeper, now: {} or overrides such as {"maxQueuedAge":"2h"}',
    `    POST /sweeper/schedules/{name}  fire a scheduled clear of the sweep policies now (${system.sweepPolicies.clears.length > 0 ? `theirs: ${system.sweepPolicies.clears.join(', ')}` : 'none runs'})`,
    `  Local Amazon Connect:   ${system.connect.endpoint}   (control API under /_local/)`,
    `  Operator console:       ${system.consoleUrl}   (open it whole: the token is its key)`,
    `  Operator CLI:           npm run cli -- queues --local ${system.url}   (npm run cli -- --help)`,
    `  Callback registry:      ${system.dynamoDbEndpoint}   (dynalite, table "callbacks")`,
    system.iam.enforcing
      ? '  IAM:                    enforced: each function runs as its role from the synthesized template, the operator as docs/cli.md’s policy (--no-iam turns it off)'
      : '  IAM:                    OFF (--no-iam): no call is checked against a role, so this run proves nothing about a deploy',
    `  Callback sweeper:       report mode, every ${sweepEvery}; each run prints one [callback sweeper] line`,
    `                          sweep policies: ${describeSweepPolicies(system.sweepPolicies)} (docs/sweep-policies.md)`,
    `  Connect instances:      ${system.instanceIds.join(', ')} (the demo's two, both tracked and swept)`,
    '',
    'Try it:',
    ...curlExamples(system.sweepPolicies.clears).flatMap((example) => [
      `  # ${example.title} → ${example.expect.status} ${JSON.stringify(example.expect.json)}`,
      `  ${toCurl(system.url, example)}`,
    ]),
    '',
    'Options go after --, e.g. npm start -- --port 0 --connect-port 0 (npm start -- --help lists them).',
    'Press Ctrl+C to stop.',
  ];
  // A blank line first: at POWERTOOLS_LOG_LEVEL=INFO the banner starts clear of the log lines.
  console.log(`\n${lines.join('\n')}`);
}

/** The settings' error behind `error`, if one is: the console wraps it as the target's. */
function configurationError(error: unknown): ConfigurationError | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e instanceof ConfigurationError) return e;
  }
  return undefined;
}

/**
 * A mistake in the options or the settings is one line naming what is wrong and its fix, exit 1;
 * only an error nobody foresaw keeps its stack trace.
 */
main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    const help = error instanceof PortInUseError ? '' : ' (npm start -- --help lists the options)';
    console.error(`npm start: ${error.message}${help}`);
  } else if (configurationError(error)) {
    console.error(`npm start: ${configurationError(error)?.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
