/**
 * The floor of the cold-invocation figure: a handler that only creates the SDK's Connect client and
 * sends one StopContact, with no validation, middleware, logging or retry settings of ours.
 */
import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import type { ConnectContactFlowEvent } from 'aws-lambda';

const client = new ConnectClient({});

export const handler = async (event: ConnectContactFlowEvent) => {
  const { ContactId, InstanceId } = event.Details.Parameters;
  await client.send(new StopContactCommand({ ContactId, InstanceId }));
  return { Branch: 'OnSuccess' };
};
