import { resourceNotFound } from '../errors.js';
import { findInstanceOrThrow, INSTANCE_ID, type OperationHandler, RESOURCE_ID } from './context.js';
import { RequestInput } from './input.js';
import { toDescribedContact } from './wire-shapes.js';

export const describeContact: OperationHandler = (context, request) => {
  const input = new RequestInput(request.params);
  const instanceId = input.requiredString('InstanceId', INSTANCE_ID);
  const contactId = input.requiredString('ContactId', RESOURCE_ID);
  const record = findInstanceOrThrow(context, instanceId);
  const contact = record.contacts.get(contactId);
  if (!contact)
    throw resourceNotFound(`Contact ${contactId} not found in instance ${record.instance.id}.`);
  return { Contact: toDescribedContact(contact) };
};
