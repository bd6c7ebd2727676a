import { CfnOutput, Duration, type Stack } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { stackOutputs } from '../lambdas/core/stack-outputs.js';
import type { EndContactConfig } from './config.js';
import type { Alarms } from './constructs/alarms.js';
import { CallbackSweeper } from './constructs/callback-sweeper.js';
import { CallbackTracker } from './constructs/callback-tracker.js';

/**
 * The stack's callback services, with their alarms and outputs, in the stack's own scope so their
 * construct IDs stay the stack's: the tracker always; the sweeper when there is an instance to sweep.
 */
export function addCallbackServices(
  stack: Stack,
  alarms: Alarms,
  config: EndContactConfig,
  localEnvironment: Record<string, string>,
): { tracker: CallbackTracker; sweeper?: CallbackSweeper } {
  const { instances, sweeper } = config;
  const instanceArns = instances.map((i) => i.arn);
  const tracker = new CallbackTracker(stack, 'CallbackTracker', {
    ...(instanceArns.length > 0 ? { instanceArns } : {}),
    logRetention: config.logRetention,
  });
  alarms.addFunctionErrors(
    'CallbackTrackerErrors',
    tracker.function,
    'The callback tracker failed: a queued callback may be missing from the registry.',
  );
  alarms.addQueueNotEmpty(
    'CallbackTrackerDeadLetters',
    tracker.deadLetterQueue,
    'Contact events the tracker could not record are in its dead-letter queue: read them, fix the cause, re-drive them.',
  );
  new CfnOutput(stack, 'CallbackTableName', {
    description: 'The registry of queued callbacks',
    value: tracker.table.tableName,
  });
  new CfnOutput(stack, 'CallbackTrackerFunctionArn', {
    description: 'Records queued callbacks from contact events',
    value: tracker.function.functionArn,
  });
  new CfnOutput(stack, 'CallbackTrackerDeadLetterQueueUrl', {
    description: 'Contact events the tracker could not record, to read and re-drive',
    value: tracker.deadLetterQueue.queueUrl,
  });
  if (instanceArns.length === 0) return { tracker };

  // The settings as context gave them are the construct's props, but for two in CDK types.
  const { maxQueuedAge, schedule, ...props } = sweeper;
  const callbackSweeper = new CallbackSweeper(stack, 'CallbackSweeper', {
    table: tracker.table,
    instanceArns,
    ...props,
    maxQueuedAge: Duration.seconds(Math.round(maxQueuedAge / 1_000)),
    schedule: Schedule.expression(schedule),
    logRetention: config.logRetention,
    environment: localEnvironment,
  });
  alarms.addSweeperAlarms(callbackSweeper.function);
  new CfnOutput(stack, 'CallbackSweeperFunctionArn', {
    description: 'Sweeps stuck callbacks on its schedule; invoke it by hand for a run now',
    value: callbackSweeper.function.functionArn,
  });
  new CfnOutput(stack, stackOutputs.sweptInstanceIds, {
    description: 'The Connect instance IDs the sweeper covers, comma-separated (the operator CLI)',
    value: instances.map((i) => i.id).join(','),
  });
  return { tracker, sweeper: callbackSweeper };
}
