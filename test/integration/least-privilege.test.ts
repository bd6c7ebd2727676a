import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantReasons, templateGrants } from '../../lib/role-doc.js';
import { DEMO_IDS } from '../../local/connect/index.js';
import { curlExamples } from '../../local/examples.js';
import type { IamDecision } from '../../local/iam/local-iam.js';
import { type LocalSystem, startLocalSystem } from '../../local/system.js';
import { createOperatorApi } from '../../operator/core/operator.js';
import { connectLocal } from '../../operator/core/target.js';
import {
  type CallbackWorld,
  seedCallbacks,
  seedInstance,
  startCallbackWorld,
} from '../support/callback-world.js';

const hour = 3_600_000;
const { contacts } = DEMO_IDS;

/** Every call local IAM evaluated in this file, from the local system and the callback world. */
const decisions: IamDecision[] = [];

/**
 * Ends fresh voice callbacks through `door` while half of StopContact's answers are lost after it applied
 * (the seeded fault table replays the same draws), until the door has settled a retry's 410 with
 * DescribeContact, or forty tries (each settles with a chance of about 3 in 8).
 */
async function endWithLostAnswers(
  system: LocalSystem,
  service: string,
  door: (contactId: string) => Promise<unknown>,
): Promise<void> {
  const settled = () =>
    system.iam
      .decisions()
      .some((d) => d.service === service && d.action === 'connect:DescribeContact');
  system.connect.faults.set('StopContact', { dropAfterApplyRate: 0.5 });
  try {
    for (let i = 0; i < 40 && !settled(); i++) {
      // A voice contact: only voice answers ContactNotFoundException (410) once ended.
      const callback = system.connect.seed.contact(DEMO_IDS.instanceId, {
        channel: 'VOICE',
        initiationMethod: 'CALLBACK',
        queueId: DEMO_IDS.queues.general,
        enqueuedAt: system.connect.clock.now() - hour,
        customerPhoneNumber: '+15555550166',
      });
      await door(callback.id);
    }
  } finally {
    system.connect.faults.clear();
  }
}

// Every door's paths, with each function running as its synthesized role and the operator held
// to its documented policy: a call a role lacks fails here as it would in AWS.
describe('least privilege, with local IAM enforcing every role', () => {
  let system: LocalSystem;
  let world: CallbackWorld;

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, connectPort: 0 });
    world = await startCallbackWorld({ quotas: false });
  });

  afterAll(async () => {
    decisions.push(...system.iam.decisions(), ...world.iam.decisions());
    await system.close();
    await world.close();
  });

  it('runs the flow and HTTP doors, the sample flow, the tracker, report sweeps and the clear with no denial', async () => {
    // The banner's examples: both End a Contact doors, the sample flow, a sweep and the clear.
    for (const example of curlExamples()) {
      const response = await fetch(`${system.url}${example.path}`, {
        method: example.method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(example.body),
      });
      expect(response.status, example.title).toBe(example.expect.status);
    }
    // A callback queued now reaches the tracker through its contact events.
    system.connect.actions.queueCallback(DEMO_IDS.instanceId, {
      queueId: DEMO_IDS.queues.general,
      customerPhoneNumber: '+15555550177',
    });
    await system.settled();
    await system.sweep('manual');
    // A SecurityUser given by user ID: the doors read it with DescribeUser.
    const post = (path: string, body: unknown) =>
      fetch(`${system.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const securityUser = DEMO_IDS.users.samSupervisor;
    await post('/flow/end-contact', { ContactId: contacts.chatQueued, SecurityUser: securityUser });
    await post('/contact/stop', {
      ContactId: contacts.taskQueued,
      InstanceId: DEMO_IDS.instanceId,
      SecurityUser: securityUser,
    });
    await post('/contact/stop', {
      ContactId: contacts.inboundCallQueued,
      InstanceId: DEMO_IDS.instanceId,
      SecurityUser: 'sam.supervisor',
    });
    // A stop whose answer is lost: each door settles the retry's 410 with DescribeContact.
    await endWithLostAnswers(system, 'stop-contact-api', (id) =>
      post('/contact/stop', { ContactId: id, InstanceId: DEMO_IDS.instanceId }),
    );
    await endWithLostAnswers(system, 'end-contact', (id) =>
      post('/flow/end-contact', { ContactId: id }),
    );

    expect(system.iam.decisions().filter((d) => !d.allowed)).toEqual([]);
  });

  it('runs the operator’s every command as the operator policy allows, with no denial', async () => {
    const api = createOperatorApi(await connectLocal(system.url));
    try {
      await api.queues();
      await api.callbacks();
      await api.preview({});
      const [oldest] = await api.callbacks({ limit: 1 });
      if (oldest)
        await api.endSelected([oldest.contactId], { requestedBy: 'least-privilege test' });
      await api.audit(10);
      await api.endContact({
        contactId: contacts.chatQueued,
        instanceId: DEMO_IDS.instanceId,
        securityUser: 'sam.supervisor',
      });
    } finally {
      await api.close();
    }

    const denied = system.iam.decisions().filter((d) => !d.allowed);
    expect(denied).toEqual([]);
    expect(system.iam.decisions().some((d) => d.service === 'operator')).toBe(true);
  });

  it('runs the sweeper in end mode, with discovery, reconciliation and tags, with no denial', async () => {
    const { instance, queue, deniedQueue, agent } = seedInstance(world, 'least');
    const seeded = await seedCallbacks(world, {
      instanceId: instance.id,
      queueId: queue.id,
      deniedQueueId: deniedQueue.id,
      agentId: agent.id,
      states: ['stuck', 'stuck', 'with-agent', 'disconnected', 'gone', 'recent'],
      prefix: 'least',
    });
    // One stuck callback the registry never heard of: discovery finds it.
    world.connect.seed.contact(instance.id, {
      channel: 'VOICE',
      initiationMethod: 'CALLBACK',
      queueId: queue.id,
      enqueuedAt: world.connect.clock.now() - 30 * hour,
      customerPhoneNumber: '+15555550199',
    });
    const sweeper = world.services(instance.id, {
      SWEEP_MODE: 'end',
      DISCOVER_CALLBACKS: 'true',
      RECONCILE: 'true',
      TAG_ENDED_CONTACTS: 'true',
    });

    const report = await sweeper.sweep();
    // Report mode's discovery reads the registry entry of each callback Connect's search shows.
    world.connect.settings.set({ searchShowsQueuedCallbacks: true });
    await world.services(instance.id, { SWEEP_MODE: 'report', DISCOVER_CALLBACKS: 'true' }).sweep();

    expect(report.counts.ended).toBeGreaterThanOrEqual(
      seeded.filter((c) => c.state === 'stuck').length,
    );
    expect(world.iam.decisions().filter((d) => !d.allowed)).toEqual([]);
  });
});

// Runs after the paths above (vitest runs a file's describes in order).
describe('the grants the tests never saw the code call', () => {
  it('are only the ones docs/deploy.md says AWS calls on the role’s behalf', async () => {
    const called = new Set(
      decisions.filter((d) => d.allowed).map((d) => `${d.service} ${d.action}`),
    );
    const grants = await templateGrants();

    const uncalled = grants
      .filter((grant) => !called.has(`${grant.role} ${grant.action}`))
      .map((grant) => `${grant.role} ${grant.action}`)
      .sort();
    const byAws = grants
      .filter((grant) => grantReasons[grant.role]?.[grant.action]?.caller === 'aws')
      .map((grant) => `${grant.role} ${grant.action}`)
      .sort();

    expect(decisions.length).toBeGreaterThan(0);
    // A grant in the first list and not the second: no test calls it, so drop it or cover it.
    expect(uncalled.join('\n')).toBe(byAws.join('\n'));
  });
});
