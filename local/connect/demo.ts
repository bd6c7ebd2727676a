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
  /** A second, smaller instance of the same account and Region: `npm start` sweeps both. */
  secondInstance: {
    instanceId: id('2'),
    queues: { sales: id('2a1'), returns: id('2a2') },
    securityProfiles: { supervisor: id('2b1'), agent: id('2b2') },
    /** sky.supervisor may end contacts (StopContact.Enabled); cal.agent may not. */
    users: { skySupervisor: id('2c1'), calAgent: id('2c2') },
    contacts: {
      callbackQueued2d: id('2d01'),
      callbackQueued28h: id('2d02'),
      callbackQueued20m: id('2d03'),
      callbackWithAgent: id('2d04'),
      chatQueued: id('2d05'),
    },
  },
} as const;

/**
 * The demo contact center: three queues; users with and without `StopContact.Enabled`; queued
 * callbacks from 10 minutes to 3 days old; chats and tasks; inbound calls; a transferred call.
 * A second instance in the same account and Region has two queues and callbacks of its own.
 */
export function demoScenario(): Scenario {
  return parseScenario(structuredClone(demo), 'demo scenario');
}
