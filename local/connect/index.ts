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
  LocalConnectSettings,
} from './api.js';
export {
  AFTER_FAILED_DIAL,
  type AfterFailedDial,
  DIAL_RESULTS,
  type DialResult,
} from './callbacks.js';
export { DEMO_IDS, demoScenario } from './demo.js';
export { startLocalConnect } from './emulator.js';
export {
  AuthenticationError,
  ConnectApiError,
  InvalidLocalInputError,
  LocalEntityNotFoundError,
  LocalStateConflictError,
  ScenarioValidationError,
} from './errors.js';
export type { EventDeliveryStats } from './events.js';
export { MAX_USER_TAGS_PER_CONTACT } from './operations/contact-data.js';
export { NON_STOPPABLE_VOICE_METHODS } from './operations/stop-contact.js';
export { DEFAULT_QUOTAS } from './quotas.js';
export {
  loadScenario,
  parseScenario,
  type Scenario,
  type ScenarioContact,
  type ScenarioInstance,
} from './scenario.js';
export { CONTROL_PREFIX } from './server.js';
export { DEFAULT_SETTINGS } from './settings.js';
export {
  CHANNELS,
  type Channel,
  CONTACT_PHASES,
  type Contact,
  type ContactEvent,
  type ContactEventDetail,
  type ContactEventType,
  type ContactHistoryEntry,
  type ContactPhase,
  type ContactSeed,
  type EventDeliverySetting,
  type FaultSetting,
  HISTORY_EVENTS,
  type HistoryEvent,
  INITIATION_METHODS,
  type InitiationMethod,
  type Instance,
  type LocalSettings,
  OPERATION_NAMES,
  type OperationName,
  QUEUED_CALLBACK_METHODS,
  type Queue,
  type QuotaSetting,
  type RequestLogEntry,
  type SecurityProfile,
  type User,
} from './types.js';
