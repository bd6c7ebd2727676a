import { describe, expect, it } from 'vitest';
import {
  foreignArnMessage,
  ownerOf,
  toInstanceId,
  toUserRef,
} from '../../../../lambdas/core/connect/identifiers.js';

describe('toInstanceId', () => {
  it('keeps an instance ID as it is', () => {
    expect(toInstanceId('c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f')).toEqual({
      ok: true,
      instanceId: 'c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f',
    });
  });

  it.each([
    'arn:aws:connect:us-east-1:123456789012:instance/abc-123',
    'arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/abc-123',
  ])('reads the instance ID out of %s', (arn) => {
    expect(toInstanceId(arn)).toEqual({ ok: true, instanceId: 'abc-123' });
  });

  it.each([
    'arn:aws:connect:us-east-1:123:instance/abc',
    'arn:aws:lambda:us-east-1:123456789012:instance/abc',
    'arn:aws:connect:us-east-1:123456789012:instance/abc/queue/q1',
    'arn:',
  ])('rejects the malformed ARN %s', (arn) => {
    expect(toInstanceId(arn)).toMatchObject({ ok: false, message: expect.stringContaining('ARN') });
  });

  it('rejects an ID with characters Connect never uses', () => {
    expect(toInstanceId('abc def').ok).toBe(false);
  });
});

describe('toUserRef', () => {
  it('reads a UUID as a user ID', () => {
    expect(toUserRef('0E1C9F4A-5D2B-4C3A-8F7E-6A5B4C3D2E1F')).toEqual({
      by: 'id',
      userId: '0E1C9F4A-5D2B-4C3A-8F7E-6A5B4C3D2E1F',
    });
  });

  it('reads the user ID and its instance out of a user ARN', () => {
    expect(toUserRef('arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-1')).toEqual({
      by: 'id',
      userId: 'u-1',
      instanceId: 'i-1',
    });
  });

  it('reads anything else as a username', () => {
    expect(toUserRef('jane.doe@example.com')).toEqual({
      by: 'username',
      username: 'jane.doe@example.com',
    });
  });
});

describe('foreignArnMessage', () => {
  const owner = ownerOf('arn:aws:lambda:us-east-1:123456789012:function:end-contact', 'us-east-1');

  it('reads the owner from the function ARN and AWS_REGION', () => {
    expect(owner).toEqual({ accountId: '123456789012', region: 'us-east-1' });
  });

  it('accepts IDs, names and ARNs of its own account and Region', () => {
    expect(foreignArnMessage('abc-1', owner)).toBeUndefined();
    expect(foreignArnMessage('supervisor', owner)).toBeUndefined();
    expect(
      foreignArnMessage('arn:aws:connect:us-east-1:123456789012:instance/abc-1', owner),
    ).toBeUndefined();
  });

  it('names the account or Region of an ARN from elsewhere', () => {
    expect(
      foreignArnMessage('arn:aws:connect:us-east-1:210987654321:instance/abc-1', owner),
    ).toMatch(/account 210987654321, not this function's account 123456789012/);
    expect(
      foreignArnMessage('arn:aws:connect:eu-west-2:123456789012:instance/abc-1/agent/u', owner),
    ).toMatch(/Region eu-west-2, not this function's Region us-east-1/);
  });
});
