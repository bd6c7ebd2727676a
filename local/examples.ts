import { DEMO_IDS } from './connect/index.js';
import { demoClearName } from './demo-policies.js';

export interface CurlExample {
  title: string;
  method: 'POST';
  path: string;
  body: unknown;
  /** What the example answers on the demo contact center, as a reader would check it. */
  expect: { status: number; json: Record<string, unknown> };
}

/**
 * The examples `npm start` prints; test/local/system.test.ts runs each one. The demo's clear is
 * shown only when it runs (`clears`: the scheduled clears of the policies that run).
 */
export function curlExamples(clears: readonly string[] = [demoClearName]): CurlExample[] {
  const c = DEMO_IDS.contacts;
  const examples: CurlExample[] = [
    {
      title: 'End a queued callback from a flow (as a Connect flow would invoke the Lambda)',
      method: 'POST',
      path: '/flow/end-contact',
      body: { ContactId: c.callbackQueued3d, SecurityUser: 'sam.supervisor' },
      expect: { status: 200, json: { Branch: 'OnSuccess', DisconnectReason: 'TerminateScript' } },
    },
    {
      title: 'An agent without StopContact.Enabled is refused',
      method: 'POST',
      path: '/flow/end-contact',
      body: { ContactId: c.callbackQueued26h, SecurityUser: 'alex.agent' },
      expect: { status: 200, json: { Branch: 'OnUnauthorized' } },
    },
    {
      title: 'A contact ID Connect does not know',
      method: 'POST',
      path: '/flow/end-contact',
      body: { ContactId: 'de300000-0000-4000-8000-00000000dead' },
      expect: { status: 200, json: { Branch: 'OnInvalidContactID' } },
    },
    {
      title: 'Run the sample flow: it calls the End a Contact module, which ends the task',
      method: 'POST',
      path: '/flow/run',
      body: { TargetContactId: c.taskQueued, SecurityUser: 'sam.supervisor' },
      expect: {
        status: 200,
        json: { branch: 'OnSuccess', outputs: { DisconnectReason: 'TerminateScript' } },
      },
    },
    {
      title: "End a chat over the HTTP API (StopContact's request shape)",
      method: 'POST',
      path: '/contact/stop',
      body: { ContactId: c.chatQueued, InstanceId: DEMO_IDS.instanceId },
      expect: { status: 200, json: {} },
    },
    {
      title: 'A transferred voice call cannot be stopped (InvalidRequestException)',
      method: 'POST',
      path: '/contact/stop',
      body: { ContactId: c.transferredCallQueued, InstanceId: DEMO_IDS.instanceId },
      expect: { status: 400, json: { code: 'InvalidRequestException' } },
    },
    {
      title: 'Run the callback sweeper now (report mode): callbacks queued over 2 hours',
      method: 'POST',
      path: '/sweeper/run',
      body: { maxQueuedAge: '2h' },
      expect: { status: 200, json: { mode: 'report', complete: true } },
    },
    {
      title:
        "Fire the demo's scheduled clear now: it ends the billing queue's callbacks queued 30m or more",
      method: 'POST',
      path: `/sweeper/schedules/${demoClearName}`,
      body: {},
      expect: { status: 200, json: { schedule: demoClearName, mode: 'end', complete: true } },
    },
    {
      title: 'Bad input is refused before it reaches Connect, naming each field',
      method: 'POST',
      path: '/contact/stop',
      body: { ContactId: '', InstanceId: 'arn:aws:connect:nowhere' },
      expect: { status: 400, json: { code: 'ValidationException' } },
    },
  ];
  return examples.filter(
    (example) =>
      example.path !== `/sweeper/schedules/${demoClearName}` || clears.includes(demoClearName),
  );
}

export function toCurl(baseUrl: string, example: CurlExample): string {
  const body = JSON.stringify(example.body).replaceAll("'", "'\\''");
  return `curl -s -X ${example.method} ${baseUrl}${example.path} -H 'content-type: application/json' -d '${body}'`;
}
