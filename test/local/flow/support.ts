/** Flow JSON for the flow interpreter's tests: a flow of given actions, a prompt block, the module's Lambda. */

export const functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:end-contact';

export function flowOf(actions: unknown[], start = 'a'): string {
  return JSON.stringify({ Version: '2019-10-30', StartAction: start, Actions: actions });
}

export const say = (id: string, next?: string) => ({
  Identifier: id,
  Type: 'MessageParticipant',
  Parameters: { Text: id },
  Transitions: next ? { NextAction: next } : {},
});
