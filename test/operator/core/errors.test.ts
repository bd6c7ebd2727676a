import { describe, expect, it } from 'vitest';
import { describeAccessError } from '../../../operator/core/errors.js';

const error = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('describeAccessError', () => {
  it.each([
    [
      error('ExpiredToken', 'The security token included in the request is expired'),
      /^the AWS session has expired \(ExpiredToken\): sign in again/,
    ],
    [
      error(
        'CredentialsProviderError',
        'The SSO session associated with this profile has expired or is otherwise invalid.',
      ),
      /^the AWS session has expired/,
    ],
    [
      error('CredentialsProviderError', 'Could not load credentials from any providers'),
      /^no usable AWS credentials: Could not load credentials from any providers/,
    ],
    [
      error('UnrecognizedClientException', 'The security token included in the request is invalid'),
      /^the AWS credentials are not valid/,
    ],
    [
      error('AccessDeniedException', 'User is not authorized to perform: connect:StopContact'),
      /^access denied \(AccessDeniedException\): .*docs\/cli\.md/,
    ],
    [error('Error', 'Region is missing'), /^no AWS Region: pass --region/],
  ])('says %s in one line', (thrown, line) => {
    const described = describeAccessError(thrown);

    expect(described).toMatch(line);
    expect(described).not.toContain('\n');
  });

  it('leaves any other error to its caller', () => {
    expect(describeAccessError(error('ThrottlingException', 'Rate exceeded'))).toBeUndefined();
  });
});
