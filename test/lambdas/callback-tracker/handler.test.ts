import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { callbackContactId, contactEvent } from '../../fixtures/contact-events/index.js';
import { lambdaContext } from '../../fixtures/index.js';

vi.hoisted(() => {
  process.env.CALLBACK_TABLE_NAME = 'callbacks';
});

const { handler } = await import('../../../lambdas/callback-tracker/handler.js');
const dynamo = mockClient(DynamoDBDocumentClient);

describe('callback-tracker handler', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(UpdateCommand).resolves({});
  });

  it('records a queued callback with a conditional write', async () => {
    const result = await handler(contactEvent('queued'), lambdaContext());

    expect(result).toMatchObject({
      outcome: 'written',
      kind: 'queued',
      contactId: callbackContactId,
    });
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'callbacks',
      Key: { contactId: callbackContactId },
      ExpressionAttributeValues: expect.objectContaining({ ':v_state': 'QUEUED' }),
      ConditionExpression: expect.stringContaining('lastEventAt < :at'),
    });
  });

  it('ignores an event it does not track, without an error and without writing', async () => {
    const result = await handler(contactEvent('contactDataUpdated'), lambdaContext());

    expect(result).toMatchObject({ outcome: 'ignored', eventType: 'CONTACT_DATA_UPDATED' });
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('reports a write that lost to a newer event as superseded, not as an error', async () => {
    dynamo.on(UpdateCommand).rejects(
      new DynamoDBServiceException({
        name: 'ConditionalCheckFailedException',
        $fault: 'client',
        $metadata: {},
        message: 'The conditional request failed',
      }),
    );

    const result = await handler(contactEvent('queued'), lambdaContext());

    expect(result).toMatchObject({ outcome: 'superseded' });
  });

  it('throws when DynamoDB fails, so Lambda retries and then dead-letters the event', async () => {
    dynamo.on(UpdateCommand).rejects(
      new DynamoDBServiceException({
        name: 'ProvisionedThroughputExceededException',
        $fault: 'client',
        $metadata: {},
        message: 'slow down',
      }),
    );

    await expect(handler(contactEvent('disconnected'), lambdaContext())).rejects.toThrow(
      'slow down',
    );
  });
});
