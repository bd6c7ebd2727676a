import { invalidParameter } from '../errors.js';
import { CHANNELS, type Contact, INITIATION_METHODS, QUEUED_CALLBACK_METHODS } from '../types.js';
import {
  decodePageToken,
  findInstanceOrThrow,
  INSTANCE_ID,
  NEXT_TOKEN,
  type OperationHandler,
  page,
  RESOURCE_ID,
} from './context.js';
import { RequestInput } from './input.js';
import { toContactSearchSummary } from './wire-shapes.js';

const TIME_RANGE_TYPES = [
  'INITIATION_TIMESTAMP',
  'SCHEDULED_TIMESTAMP',
  'CONNECTED_TO_AGENT_TIMESTAMP',
  'DISCONNECT_TIMESTAMP',
  'ENQUEUE_TIMESTAMP',
] as const;
const SORT_FIELDS = [
  'INITIATION_TIMESTAMP',
  'SCHEDULED_TIMESTAMP',
  'CONNECTED_TO_AGENT_TIMESTAMP',
  'DISCONNECT_TIMESTAMP',
  'INITIATION_METHOD',
  'CHANNEL',
  'EXPIRY_TIMESTAMP',
] as const;
const SUPPORTED_CRITERIA = new Set(['Channels', 'InitiationMethods', 'QueueIds', 'AgentIds']);

type TimeField = (typeof TIME_RANGE_TYPES)[number] | (typeof SORT_FIELDS)[number];

export const searchContacts: OperationHandler = (context, request) => {
  const input = new RequestInput(request.body);
  const instanceId = input.requiredString('InstanceId', INSTANCE_ID);
  const timeRange = input.requiredObject('TimeRange');
  const rangeType = timeRange.requiredEnum('Type', TIME_RANGE_TYPES);
  const startMs = timeRange.requiredTimestamp('StartTime');
  const endMs = timeRange.requiredTimestamp('EndTime');
  if (endMs < startMs)
    throw invalidParameter('TimeRange.EndTime must not be before TimeRange.StartTime.');
  const criteria = input.optionalObject('SearchCriteria');
  const raw = request.body.SearchCriteria;
  if (raw && typeof raw === 'object') {
    const unsupported = Object.keys(raw).filter((key) => !SUPPORTED_CRITERIA.has(key));
    if (unsupported.length > 0) {
      throw invalidParameter(
        `local Amazon Connect does not support SearchCriteria.${unsupported.join(', SearchCriteria.')}; it supports ${[...SUPPORTED_CRITERIA].join(', ')}.`,
      );
    }
  }
  const channels = criteria?.optionalStringList('Channels', { maxItems: 4, allowed: CHANNELS });
  const methods = criteria?.optionalStringList('InitiationMethods', {
    maxItems: INITIATION_METHODS.length,
    allowed: INITIATION_METHODS,
  });
  const queueIds = criteria?.optionalStringList('QueueIds', { maxItems: 100, item: RESOURCE_ID });
  const agentIds = criteria?.optionalStringList('AgentIds', { maxItems: 100, item: RESOURCE_ID });
  const maxResults = input.optionalInteger('MaxResults', { min: 1, max: 100 }) ?? 100;
  const offset = decodePageToken('SearchContacts', input.optionalString('NextToken', NEXT_TOKEN));
  const sort = input.optionalObject('Sort');
  const sortField = sort ? sort.requiredEnum('FieldName', SORT_FIELDS) : 'INITIATION_TIMESTAMP';
  const sortOrder = sort
    ? sort.requiredEnum('Order', ['ASCENDING', 'DESCENDING'] as const)
    : 'DESCENDING';

  const record = findInstanceOrThrow(context, instanceId);
  const showsQueuedCallbacks = context.settings().searchShowsQueuedCallbacks;
  const matches = [...record.contacts.values()].filter((contact) => {
    const at = timeOf(contact, rangeType);
    return (
      isSearchable(contact, showsQueuedCallbacks) &&
      at !== undefined &&
      at >= startMs &&
      at <= endMs &&
      (!channels || channels.includes(contact.channel)) &&
      (!methods || methods.includes(contact.initiationMethod)) &&
      (!queueIds || (contact.queueId !== undefined && queueIds.includes(contact.queueId))) &&
      (!agentIds || (contact.agentId !== undefined && agentIds.includes(contact.agentId)))
    );
  });
  matches.sort(compareBy(sortField, sortOrder === 'ASCENDING' ? 1 : -1));
  const result = page('SearchContacts', matches, offset, maxResults);
  return {
    Contacts: result.items.map(toContactSearchSummary),
    TotalCount: matches.length,
    ...(result.nextToken ? { NextToken: result.nextToken } : {}),
  };
};

/**
 * Contact search shows a voice contact only once it reached an agent or disconnected: queued
 * in-progress voice contacts, queued callbacks included, are not returned (adminguide/contact-search,
 * adminguide/search-in-progress-contacts). A later revision of contact-search says queued callbacks
 * can be searched once queued: `searchShowsQueuedCallbacks` switches to that reading.
 * Chats are searchable from the start, tasks and emails from initiation.
 */
export function isSearchable(contact: Contact, showsQueuedCallbacks = false): boolean {
  if (contact.channel !== 'VOICE') return true;
  if (
    showsQueuedCallbacks &&
    QUEUED_CALLBACK_METHODS.has(contact.initiationMethod) &&
    contact.enqueuedAt !== undefined
  ) {
    return true;
  }
  return contact.connectedToAgentAt !== undefined || contact.disconnectedAt !== undefined;
}

function timeOf(contact: Contact, field: TimeField): number | undefined {
  switch (field) {
    case 'INITIATION_TIMESTAMP':
      return contact.initiatedAt;
    case 'CONNECTED_TO_AGENT_TIMESTAMP':
      return contact.connectedToAgentAt;
    case 'DISCONNECT_TIMESTAMP':
      return contact.disconnectedAt;
    case 'ENQUEUE_TIMESTAMP':
      return contact.enqueuedAt;
    default:
      // Scheduled and expiry times are not modelled: no contact has one.
      return undefined;
  }
}

function compareBy(field: (typeof SORT_FIELDS)[number], direction: 1 | -1) {
  return (a: Contact, b: Contact): number => {
    if (field === 'CHANNEL') return direction * a.channel.localeCompare(b.channel);
    if (field === 'INITIATION_METHOD')
      return direction * a.initiationMethod.localeCompare(b.initiationMethod);
    const left = timeOf(a, field) ?? Number.NEGATIVE_INFINITY;
    const right = timeOf(b, field) ?? Number.NEGATIVE_INFINITY;
    return direction * (left - right || a.id.localeCompare(b.id));
  };
}
