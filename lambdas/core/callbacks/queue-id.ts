import { queueIdFromArn } from './events.js';

const queueIdPattern = /^[A-Za-z0-9-]{1,100}$/;

/** A queue ID, or the ID in a queue ARN; undefined when it is neither. */
export function toQueueId(value: string): string | undefined {
  if (value.startsWith('arn:')) return queueIdFromArn(value);
  return queueIdPattern.test(value) ? value : undefined;
}
