/** Queue references are parsed by the one identifier parser (lambdas/core/connect/identifiers.ts). */
export { toOwnQueueId, toQueueId } from '../connect/identifiers.js';
