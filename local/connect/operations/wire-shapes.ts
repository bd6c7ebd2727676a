import { epochSeconds } from '../protocol.js';
import type { Contact, User } from '../types.js';

/** The members DescribeContact's `Contact` and SearchContacts' summary share. */
function contactIdentityAndTimes(contact: Contact): Record<string, unknown> {
  return {
    Arn: contact.arn,
    Id: contact.id,
    InitialContactId: contact.initialContactId,
    ...(contact.previousContactId ? { PreviousContactId: contact.previousContactId } : {}),
    InitiationMethod: contact.initiationMethod,
    Channel: contact.channel,
    ...queueInfo(contact),
    ...agentInfo(contact),
    InitiationTimestamp: epochSeconds(contact.initiatedAt),
    ...(contact.disconnectedAt === undefined
      ? {}
      : { DisconnectTimestamp: epochSeconds(contact.disconnectedAt) }),
  };
}

/**
 * `Contact` as DescribeContact returns it (members absent rather than null, as rest-json does), with
 * the agent and connection times API_Contact and API_AgentInfo document.
 */
export function toDescribedContact(contact: Contact): Record<string, unknown> {
  return {
    ...contactIdentityAndTimes(contact),
    ...(contact.agentId === undefined
      ? {}
      : {
          AgentInfo: {
            Id: contact.agentId,
            ...timestamp('AcceptedByAgentTimestamp', contact.acceptedByAgentAt),
            ...timestamp('ConnectedToAgentTimestamp', contact.connectedToAgentAt),
          },
        }),
    ...(contact.relatedContactId ? { RelatedContactId: contact.relatedContactId } : {}),
    ...timestamp('RingStartTimestamp', contact.ringStartAt),
    ...timestamp('ConnectedToSystemTimestamp', contact.connectedToSystemAt),
    LastUpdateTimestamp: epochSeconds(contact.lastUpdatedAt),
    ...(contact.customerPhoneNumber === undefined
      ? {}
      : { CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: contact.customerPhoneNumber } }),
    ...(contact.disconnectReason === undefined
      ? {}
      : { DisconnectReason: contact.disconnectReason }),
    Tags: { ...contact.tags },
    ...(Object.keys(contact.attributes).length > 0
      ? { Attributes: { ...contact.attributes } }
      : {}),
  };
}

/** `ContactSearchSummary` as SearchContacts returns it. */
export function toContactSearchSummary(contact: Contact): Record<string, unknown> {
  return {
    ...contactIdentityAndTimes(contact),
    ...(Object.keys(contact.tags).length > 0 ? { Tags: { ...contact.tags } } : {}),
  };
}

/** `User` as DescribeUser returns it, and (without LastModified*) `UserSearchSummary`. */
export function toUser(user: User, region: string): Record<string, unknown> {
  return {
    Id: user.id,
    Arn: user.arn,
    Username: user.username,
    IdentityInfo: {},
    PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 0 },
    SecurityProfileIds: [...user.securityProfileIds],
    Tags: {},
    LastModifiedTime: epochSeconds(user.lastModifiedAt),
    LastModifiedRegion: region,
  };
}

export function toUserSearchSummary(user: User): Record<string, unknown> {
  return {
    Arn: user.arn,
    Id: user.id,
    Username: user.username,
    IdentityInfo: {},
    PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 0 },
    SecurityProfileIds: [...user.securityProfileIds],
    Tags: {},
  };
}

function timestamp(member: string, epochMs: number | undefined): Record<string, number> {
  return epochMs === undefined ? {} : { [member]: epochSeconds(epochMs) };
}

function queueInfo(contact: Contact): Record<string, unknown> {
  if (contact.queueId === undefined) return {};
  return {
    QueueInfo: {
      Id: contact.queueId,
      ...(contact.enqueuedAt === undefined
        ? {}
        : { EnqueueTimestamp: epochSeconds(contact.enqueuedAt) }),
    },
  };
}

function agentInfo(contact: Contact): Record<string, unknown> {
  if (contact.agentId === undefined) return {};
  return {
    AgentInfo: {
      Id: contact.agentId,
      ...(contact.connectedToAgentAt === undefined
        ? {}
        : { ConnectedToAgentTimestamp: epochSeconds(contact.connectedToAgentAt) }),
    },
  };
}
