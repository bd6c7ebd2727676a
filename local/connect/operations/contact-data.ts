import { invalidParameter, resourceNotFound } from '../errors.js';
import { findInstanceOrThrow, INSTANCE_ID, type OperationHandler, RESOURCE_ID } from './context.js';
import { RequestInput } from './input.js';

/** Contact tag keys: no `aws:` prefix, Connect's pattern verbatim. */
const TAG_KEY = /^(?!aws:)[a-zA-Z+-=._:/]+$/;
/** Attribute keys: alphanumeric, dash and underscore. */
const ATTRIBUTE_KEY = /^[a-zA-Z0-9_-]+$/;
const MAX_ATTRIBUTE_BYTES = 32_768;
/** A contact holds at most 6 user-defined tags; `aws:` system tags do not count (adminguide/granular-billing). */
export const MAX_USER_TAGS_PER_CONTACT = 6;

export const tagContact: OperationHandler = (context, request) => {
  const input = new RequestInput(request.body);
  const contactId = input.requiredString('ContactId', RESOURCE_ID);
  const instanceId = input.requiredString('InstanceId', INSTANCE_ID);
  const tags = input.requiredStringMap('Tags', {
    minEntries: 1,
    maxEntries: 6,
    key: { min: 1, max: 128 },
    value: { min: 0, max: 256 },
    keyPattern: TAG_KEY,
  });
  const record = findInstanceOrThrow(context, instanceId);
  const contact = record.contacts.get(contactId);
  if (!contact)
    throw resourceNotFound(`Contact ${contactId} not found in instance ${record.instance.id}.`);
  const userTags = new Set(
    [...Object.keys(contact.tags), ...Object.keys(tags)].filter((key) => !key.startsWith('aws:')),
  );
  if (userTags.size > MAX_USER_TAGS_PER_CONTACT) {
    // Connect documents the limit but not its error; InvalidParameterException is TagContact's modelled error for a bad Tags value.
    throw invalidParameter(
      `Tags: contact ${contactId} would hold ${userTags.size} user-defined tags; a contact can hold at most ${MAX_USER_TAGS_PER_CONTACT}.`,
    );
  }
  context.contacts.updateData(record, contact, { tags });
  return {};
};

/** Updates the user-defined attributes of every contact in the chain that starts at InitialContactId. */
export const updateContactAttributes: OperationHandler = (context, request) => {
  const input = new RequestInput(request.body);
  const initialContactId = input.requiredString('InitialContactId', RESOURCE_ID);
  const instanceId = input.requiredString('InstanceId', INSTANCE_ID);
  const attributes = input.requiredStringMap('Attributes', {
    key: { min: 1, max: 32_767 },
    value: { min: 0, max: 32_767 },
    keyPattern: ATTRIBUTE_KEY,
  });
  const size = Object.entries(attributes).reduce(
    (total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
  if (size > MAX_ATTRIBUTE_BYTES) {
    throw invalidParameter(
      `Attributes total ${size} UTF-8 bytes; a contact can hold at most ${MAX_ATTRIBUTE_BYTES}.`,
    );
  }
  const record = findInstanceOrThrow(context, instanceId);
  const chain = [...record.contacts.values()].filter(
    (contact) => contact.id === initialContactId || contact.initialContactId === initialContactId,
  );
  if (chain.length === 0) {
    throw resourceNotFound(
      `Contact ${initialContactId} not found in instance ${record.instance.id}.`,
    );
  }
  for (const contact of chain) context.contacts.updateData(record, contact, { attributes });
  return {};
};
