import type { OperationName } from '../types.js';
import { tagContact, updateContactAttributes } from './contact-data.js';
import type { OperationHandler } from './context.js';
import { describeContact } from './describe-contact.js';
import { getContactMetrics } from './get-contact-metrics.js';
import { getCurrentMetricData } from './get-current-metric-data.js';
import { listLambdaFunctions } from './list-lambda-functions.js';
import { listSecurityProfilePermissions } from './list-security-profile-permissions.js';
import { describeInstance, describeQueue, listQueues } from './queues.js';
import { searchContacts } from './search-contacts.js';
import { stopContact } from './stop-contact.js';
import { describeUser, searchUsers } from './users.js';

export type { OperationContext, OperationHandler, OperationRequest } from './context.js';

export const OPERATION_HANDLERS: Readonly<Record<OperationName, OperationHandler>> = {
  StopContact: stopContact,
  DescribeContact: describeContact,
  SearchContacts: searchContacts,
  DescribeUser: describeUser,
  SearchUsers: searchUsers,
  ListSecurityProfilePermissions: listSecurityProfilePermissions,
  GetCurrentMetricData: getCurrentMetricData,
  GetContactMetrics: getContactMetrics,
  TagContact: tagContact,
  UpdateContactAttributes: updateContactAttributes,
  DescribeInstance: describeInstance,
  DescribeQueue: describeQueue,
  ListQueues: listQueues,
  ListLambdaFunctions: listLambdaFunctions,
};
