/** Local Amazon Connect: a wire-compatible emulator of the Connect operations this project uses. */
export type {
  LocalConnect,
  LocalConnectActions,
  LocalConnectClock,
  LocalConnectEvents,
  LocalConnectFaults,
  LocalConnectOptions,
  LocalConnectQuotas,
  LocalConnectSeed,
} from './api.js';
export { DEMO_IDS, demoScenario } from './demo.js';
export { formatAge, parseDurationMs } from './duration.js';
export { startLocalConnect } from './emulator.js';
export {
  AuthenticationError,
  ConnectApiError,
  InvalidLocalInputError,
  LocalEntityNotFoundError,
  ScenarioValidationError,
} from './errors.js';
export type { EventDeliveryStats } from './events.js';
export { NON_STOPPABLE_VOICE_METHODS } from './operations/stop-contact.js';
export { DEFAULT_QUOTAS } from './quotas.js';
export { IMPLEMENTED_ROUTES } from './routes.js';
export {
  loadScenario,
  parseScenario,
  type Scenario,
  type ScenarioContact,
  type ScenarioInstance,
} from './scenario.js';
export { CONTROL_PREFIX } from './server.js';
export {
  CHANNELS,
  type Channel,
  type Contact,
  type ContactEvent,
  type ContactEventDetail,
  type ContactEventType,
  type ContactSeed,
  type EventDeliverySetting,
  type FaultSetting,
  INITIATION_METHODS,
  type InitiationMethod,
  type Instance,
  OPERATION_NAMES,
  type OperationName,
  type Queue,
  type QuotaSetting,
  type RequestLogEntry,
  type SecurityProfile,
  type User,
} from './types.js';
