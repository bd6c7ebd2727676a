import { awsVerifyTarget } from '../verify/aws-target.js';
import { localVerifyTarget } from '../verify/local-target.js';
import { failed, formatResults, type VerifyTarget, verifyDeployment } from '../verify/verify.js';
import { type CommandLine, UsageError } from './args.js';
import type { CliIo } from './commands.js';

/** The stack `cdk deploy` makes unless told otherwise (lib/end-contact-stack.ts, stackId). */
const defaultStack = 'AmazonConnectEndContact';

/**
 * `verify`: checks a deploy with the operator's own credentials and prints one line per check;
 * exit 0 when nothing failed, 1 when a check failed. Read-only unless `--end-to-end`.
 */
export async function runVerify(line: CommandLine, io: CliIo): Promise<number> {
  const { values } = line;
  const clash = ['table', 'instance'].find((o) => values[o] !== undefined);
  if (clash)
    throw new UsageError(`verify reads the instances and table from the stack: drop --${clash}`);
  const endToEnd = values['end-to-end'] === true;
  if (endToEnd && values.queue === undefined) {
    throw new UsageError('--end-to-end needs --queue ID, the queue the task contact starts in');
  }
  if (!endToEnd && (values.queue !== undefined || values.flow !== undefined)) {
    throw new UsageError('--queue and --flow go with --end-to-end');
  }
  let target: VerifyTarget;
  if (values.local !== undefined && values.flow !== undefined) {
    throw new UsageError(
      '--flow does not go with --local: the local Connect runs no contact flows, so the task is queued in --queue directly',
    );
  }
  if (values.local !== undefined) {
    const other = ['stack', 'profile', 'region'].find((o) => values[o] !== undefined);
    if (other) throw new UsageError(`--local and --${other} point to different places: use one`);
    target = await localVerifyTarget(String(values.local));
  } else {
    target = awsVerifyTarget({
      stack: values.stack === undefined ? defaultStack : String(values.stack),
      ...(values.profile !== undefined ? { profile: String(values.profile) } : {}),
      ...(values.region !== undefined ? { region: String(values.region) } : {}),
    });
  }
  try {
    const results = await verifyDeployment(target, {
      ...(endToEnd
        ? {
            endToEnd: {
              queueId: String(values.queue),
              ...(values.flow !== undefined ? { flowId: String(values.flow) } : {}),
            },
          }
        : {}),
    });
    if (values.json)
      io.stdout.write(`${JSON.stringify({ target: target.label, results }, null, 2)}\n`);
    else io.stdout.write(`Verifying ${target.label}\n${formatResults(results)}\n`);
    return failed(results) ? 1 : 0;
  } finally {
    await target.close();
  }
}
