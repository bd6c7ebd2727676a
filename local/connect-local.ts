/**
 * `npm run connect-local -- [--port <p>] [--scenario <file>]`: runs the local Amazon Connect alone.
 * With no scenario it seeds the demo contact center. Stops cleanly on Ctrl+C (SIGINT) or SIGTERM.
 */
import {
  namingPort,
  parseOptions,
  parsePort,
  stopOnSignals,
  UsageError,
} from '../common/command-line.js';
import { formatAge } from '../lambdas/core/duration.js';
import {
  demoScenario,
  type LocalConnect,
  loadScenario,
  OPERATION_NAMES,
  type Scenario,
  ScenarioValidationError,
  startLocalConnect,
} from './connect/index.js';

const DEFAULT_PORT = 8017;

const HELP = `Usage: npm run connect-local -- [options]

Runs a local Amazon Connect that speaks Connect's rest-json API for ${OPERATION_NAMES.length} operations
(${OPERATION_NAMES.join(', ')})
plus a control API under /_local/.

Options:
  --port <p>         port to listen on (0 picks a free one)          default ${DEFAULT_PORT}
  --host <h>         address to listen on                            default 127.0.0.1
  --scenario <file>  seed from a scenario JSON file (docs/local-connect.md) default: the demo contact center
  --seed <n>         PRNG seed for faults and event delivery         default 1
  --no-quotas        switch Connect's API quotas (429 ThrottlingException) off
  --help             show this help

Point an SDK or the AWS CLI at it with AWS_ENDPOINT_URL_CONNECT=<endpoint> and any credentials.`;

async function main(): Promise<void> {
  const { values } = parseOptions({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      'no-quotas': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = parsePort('--port', values.port, DEFAULT_PORT);
  const seed = integerOption('--seed', values.seed, 1);
  const scenario = values.scenario ? await loadScenario(values.scenario) : demoScenario();
  const connect = await namingPort('--port', port, () =>
    startLocalConnect({
      port,
      host: values.host ?? '127.0.0.1',
      seed,
      scenario,
      quotas: !values['no-quotas'],
    }),
  );
  // Listen for signals before the banner: whoever reads it may stop us at once.
  stopOnSignals(() => connect.close());
  printBanner(
    connect,
    scenario,
    values.scenario ?? 'the demo contact center (local/scenarios/demo.json)',
  );
}

function printBanner(connect: LocalConnect, scenario: Scenario, source: string): void {
  const state = connect.state() as {
    instances: {
      id: string;
      alias: string;
      arn: string;
      queues: { id: string; name: string }[];
      contacts: {
        id: string;
        channel: string;
        initiationMethod: string;
        queueId?: string;
        enqueuedAt?: number;
        connectedToAgentAt?: number;
        disconnectedAt?: number;
      }[];
    }[];
  };
  const labels = new Map<string, string>();
  for (const instance of scenario.instances) {
    for (const contact of instance.contacts ?? []) {
      if (contact.id && contact.label) labels.set(contact.id, contact.label);
    }
  }
  const now = connect.clock.now();
  const lines = [
    `Local Amazon Connect listening on ${connect.endpoint} (region ${connect.region}, account ${connect.accountId})`,
    `Seeded from ${source}`,
  ];
  for (const instance of state.instances) {
    const queueNames = new Map(instance.queues.map((q) => [q.id, q.name]));
    lines.push('', `Instance ${instance.id} (${instance.alias})`, `  ARN ${instance.arn}`);
    lines.push(`  Contacts (${instance.contacts.length}):`);
    for (const contact of instance.contacts.slice(0, 20)) {
      const status =
        contact.disconnectedAt !== undefined
          ? 'ended'
          : contact.connectedToAgentAt !== undefined
            ? 'with an agent'
            : contact.enqueuedAt !== undefined
              ? `queued ${formatAge(now - contact.enqueuedAt)} in ${queueNames.get(contact.queueId ?? '') ?? contact.queueId}`
              : 'in progress';
      const label = labels.get(contact.id);
      lines.push(
        `    ${contact.id}  ${contact.channel.padEnd(5)} ${contact.initiationMethod.padEnd(8)} ${status}${label ? ` — ${label}` : ''}`,
      );
    }
  }
  const first = state.instances[0];
  const example = first?.contacts.find((c) => c.disconnectedAt === undefined) ?? first?.contacts[0];
  lines.push('', 'Try it:');
  if (first && example) {
    lines.push(
      `  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws connect describe-contact --region ${connect.region} --endpoint-url ${connect.endpoint} --instance-id ${first.id} --contact-id ${example.id}`,
      `  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws connect stop-contact --region ${connect.region} --endpoint-url ${connect.endpoint} --instance-id ${first.id} --contact-id ${example.id}`,
    );
  }
  lines.push(
    `  curl -s ${connect.endpoint}/_local/state`,
    `  curl -s -X POST ${connect.endpoint}/_local/clock/advance -d '{"by":"1d"}'`,
    `Control API: ${connect.endpoint}/_local/… (see docs/local-connect.md). Press Ctrl+C to stop.`,
  );
  console.log(lines.join('\n'));
}

function integerOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new UsageError(`${name} needs a whole number, got ${value}`);
  return parsed;
}

main().catch((error: unknown) => {
  if (error instanceof ScenarioValidationError) {
    console.error(error.message);
  } else if (error instanceof UsageError) {
    console.error(`${error.message} (npm run connect-local -- --help lists the options)`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
