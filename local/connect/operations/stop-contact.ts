import { contactNotFound, invalidRequest, resourceNotFound } from '../errors.js';
import { findInstanceOrThrow, INSTANCE_ID, type OperationHandler, RESOURCE_ID } from './context.js';
import { RequestInput } from './input.js';

/** Voice initiation methods StopContact refuses, as the API reference lists them. */
export const NON_STOPPABLE_VOICE_METHODS: ReadonlySet<string> = new Set([
  'DISCONNECT',
  'TRANSFER',
  'QUEUE_TRANSFER',
  'EXTERNAL_OUTBOUND',
  'MONITOR',
]);

export const stopContact: OperationHandler = (context, request) => {
  const input = new RequestInput(request.body);
  const contactId = input.requiredString('ContactId', RESOURCE_ID);
  const instanceId = input.requiredString('InstanceId', INSTANCE_ID);
  input.optionalObject('DisconnectReason')?.optionalString('Code', { min: 1, max: 256 });

  const record = findInstanceOrThrow(context, instanceId);
  const contact = record.contacts.get(contactId);
  if (!contact)
    throw resourceNotFound(`Contact ${contactId} not found in instance ${record.instance.id}.`);

  if (contact.channel === 'VOICE') {
    if (NON_STOPPABLE_VOICE_METHODS.has(contact.initiationMethod)) {
      // The model's InvalidRequestExceptionReason has no member for this, so the reason is in Message.
      throw invalidRequest(
        `StopContact does not work for voice contacts with initiation method ${contact.initiationMethod}; contact ${contactId} cannot be stopped.`,
      );
    }
    if (contact.disconnectedAt !== undefined) {
      throw contactNotFound(`The contact ${contactId} is not active or does not exist.`);
    }
  } else if (contact.disconnectedAt !== undefined) {
    // Chat, task and email contacts can be ended in any state; ending an ended one changes nothing.
    return {};
  }
  // ctr-data-model: a voice contact ended through the API records OTHER; chat, task and email record API.
  context.contacts.end(record, contact, contact.channel === 'VOICE' ? 'OTHER' : 'API', true);
  return {};
};
