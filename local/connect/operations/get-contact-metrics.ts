import { isInQueue } from '../contacts.js';
import { resourceNotFound } from '../errors.js';
import type { InstanceRecord } from '../state.js';
import type { Contact } from '../types.js';
import { findInstanceOrThrow, type OperationHandler } from './context.js';
import { RequestInput } from './input.js';

const METRIC_NAMES = ['ESTIMATED_WAIT_TIME', 'POSITION_IN_QUEUE'] as const;
type MetricName = (typeof METRIC_NAMES)[number];
/** Both members use the model's InstanceIdOrArn shape (1–250). */
const ID_OR_ARN = { min: 1, max: 250 };

/**
 * GetContactMetrics (POST /metrics/contact): POSITION_IN_QUEUE and ESTIMATED_WAIT_TIME for one
 * contact. "Metrics are only available while the contact is actively in queue" (API_GetContactMetrics);
 * what Connect answers otherwise is not documented, so a contact out of its queue gets each metric
 * by name with no Value.
 */
export const getContactMetrics: OperationHandler = (context, request) => {
  const input = new RequestInput(request.body);
  const instanceId = input.requiredString('InstanceId', ID_OR_ARN);
  const contactId = input.requiredString('ContactId', ID_OR_ARN);
  const metrics = input.optionalObjectList('Metrics', 100);
  if (!metrics || metrics.length === 0) {
    throw input.violation(
      'Metrics',
      metrics ? [] : null,
      'Member must have length greater than or equal to 1',
    );
  }
  const names = metrics.map((metric) => metric.requiredEnum('Name', METRIC_NAMES));
  const record = findInstanceOrThrow(context, instanceId);
  const contact = record.contacts.get(contactId);
  if (!contact)
    throw resourceNotFound(`Contact ${contactId} not found in instance ${record.instance.id}.`);
  const position = positionInQueue(record, contact);
  const secondsPerPosition = context.settings().estimatedWaitSecondsPerPosition;
  return {
    MetricResults: names.map((name) => metricResult(name, position, secondsPerPosition)),
    Id: contact.id,
    Arn: contact.arn,
  };
};

function metricResult(name: MetricName, position: number | undefined, secondsPerPosition: number) {
  if (position === undefined) return { Name: name };
  const value = name === 'POSITION_IN_QUEUE' ? position : position * secondsPerPosition;
  return { Name: name, Value: { Number: value } };
}

/** 1-based, by enqueue time among the contacts actively waiting in the same queue (ties: arrival order). */
function positionInQueue(record: InstanceRecord, contact: Contact): number | undefined {
  if (!isInQueue(contact) || contact.enqueuedAt === undefined) return undefined;
  const enqueuedAt = contact.enqueuedAt;
  let ahead = 0;
  let seenSelf = false;
  for (const other of record.contacts.values()) {
    if (other === contact) {
      seenSelf = true;
      continue;
    }
    if (other.queueId !== contact.queueId || !isInQueue(other) || other.enqueuedAt === undefined)
      continue;
    if (other.enqueuedAt < enqueuedAt || (other.enqueuedAt === enqueuedAt && !seenSelf)) ahead++;
  }
  return ahead + 1;
}
