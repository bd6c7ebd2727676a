import demo from '../scenarios/demo.json' with { type: 'json' };
import { parseScenario, type Scenario } from './scenario.js';

const id = (suffix: string) => `de300000-0000-4000-8000-${suffix.padStart(12, '0')}`;

/** The demo contact center's IDs (they match local/scenarios/demo.json), for tests and examples. */
export const DEMO_IDS = {
  instanceId: id('1'),
  queues: { general: id('a1'), billing: id('a2'), techSupport: id('a3') },
  securityProfiles: { admin: id('b1'), callCenterManager: id('b2'), agent: id('b3') },
  /** admin and sam.supervisor may end contacts (StopContact.Enabled); the agents may not. */
  users: { admin: id('c1'), samSupervisor: id('c2'), alexAgent: id('c3'), beaAgent: id('c4') },
  contacts: {
    callbackQueued3d: id('d01'),
    callbackQueued26h: id('d02'),
    callbackQueued30h: id('d03'),
    callbackQueued45m: id('d04'),
    callbackQueued10m: id('d05'),
    callbackWithAgent: id('d06'),
    callbackEnded: id('d07'),
    chatQueued: id('d08'),
    chatWithAgent: id('d09'),
    taskQueued: id('d10'),
    taskEnded: id('d11'),
    inboundCallWithAgent: id('d12'),
    inboundCallTransferredAway: id('d13'),
    transferredCallQueued: id('d14'),
    inboundCallQueued: id('d15'),
  },
} as const;

/**
 * The demo contact center: three queues; users with and without `StopContact.Enabled`; queued
 * callbacks from 10 minutes to 3 days old; chats and tasks; inbound calls; a transferred call.
 */
export function demoScenario(): Scenario {
  return parseScenario(structuredClone(demo), 'demo scenario');
}
