import { createHmac } from 'node:crypto';

/** Turns a customer number into a salted hash; the raw number is never stored or logged. */
export type PhoneHasher = (phoneNumber: string) => string;

/**
 * HMAC-SHA-256 keyed with the salt, over the number with separators removed, so "+1 (555) 0100"
 * and "+15550100" hash alike and a leaked hash cannot be reversed by hashing every number.
 */
export function createPhoneHasher(salt: string): PhoneHasher {
  return (phoneNumber) =>
    createHmac('sha256', salt)
      .update(phoneNumber.replace(/[\s().-]/g, ''))
      .digest('hex');
}
