import { type ConnectClient, type Contact, DescribeContactCommand } from '@aws-sdk/client-connect';
import { outcomeFromError } from '../connect/errors.js';
import type { FailureOutcome } from '../connect/outcome.js';

export type Described = { contact: Contact } | { outcome: FailureOutcome };

/** DescribeContact, as the contact or as the failure; never throws. */
export async function describeCallback(
  connect: ConnectClient,
  ids: { instanceId: string; contactId: string },
  abortSignal?: AbortSignal,
): Promise<Described> {
  try {
    const answer = await connect.send(
      new DescribeContactCommand({ InstanceId: ids.instanceId, ContactId: ids.contactId }),
      { abortSignal },
    );
    if (answer.Contact) return { contact: answer.Contact };
    const message = 'DescribeContact returned no contact';
    return { outcome: { kind: 'invalid-contact-id', code: 'ResourceNotFoundException', message } };
  } catch (error) {
    return { outcome: outcomeFromError(error, 'contact') };
  }
}

/** DescribeContact's "not found": the contact, or the instance, the Region or the endpoint. */
export function isNotFound(outcome: FailureOutcome): boolean {
  return outcome.kind === 'invalid-contact-id' || outcome.kind === 'contact-not-active';
}
