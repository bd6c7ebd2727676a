/**
 * The End a Contact module's interface, data only: its inputs, outputs and branches, and the
 * API-level `Settings` built from them. The CDK construct (lib/constructs/end-contact-module.ts)
 * deploys it; the local flow runner (local/flow-door.ts) checks the module's content against it.
 */

/** CXone's End a Contact properties, as the module's inputs (all strings). */
export const moduleInputs = {
  ContactId: 'The contact to end (CXone ContactID). Missing or invalid: OnInvalidContactID.',
  SecurityUser:
    "CXone's SecurityUser: a Connect user ID, user ARN or username whose security profiles must grant StopContact.Enabled.",
  InstanceId: 'Instance ID or ARN. Defaults to the instance of the contact running the flow.',
  DisconnectReasonCode:
    "StopContact's DisconnectReason.Code (Connect accepts it only from outbound campaigns).",
} as const;

/** What the module returns in `$.Modules.ResultData`. */
export const moduleOutputs = {
  DisconnectReason: "TerminateScript on OnSuccess (CXone's __DISCONNECTREASON).",
  ErrorCode: "Connect's exception name, ValidationException, InvalidSecurityUser or TimeoutError.",
  ErrorMessage: 'Why the contact was not ended, naming the field when an input is malformed.',
} as const;

/**
 * CXone's five branches. Connect's own Error branch (the Invoke module block's Error) is the
 * sixth, listed only in the content's Settings.Transitions, as in every public module fixture.
 */
export const moduleBranches = {
  OnSuccess: 'The contact was ended.',
  OnInvalidContactID: 'ContactId is missing or invalid, or Connect does not know the contact.',
  OnUnauthorized: "The SecurityUser's security profiles lack the permission, or IAM denied it.",
  OnInvalidSecurityUser:
    'The SecurityUser names no user of the instance, or is required and missing.',
  Default: 'Anything else, including a malformed InstanceId or DisconnectReasonCode.',
} as const;

const stringProperties = (fields: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(fields).map(([name, description]) => [name, { type: 'string', description }]),
  );

/**
 * The module's API-level Settings: input and output JSON schemas and its custom branches. AWS
 * documents Settings only as "a string"; this shape is the one flow modules built in the console
 * carry (docs/flow-module.md says what is and is not documented).
 */
export const moduleSettings = {
  input: {
    schema: {
      type: 'object',
      properties: stringProperties(moduleInputs),
      required: ['ContactId'],
    },
  },
  resultData: { schema: { type: 'object', properties: stringProperties(moduleOutputs) } },
  transitions: {
    results: Object.entries(moduleBranches).map(([name, description]) => ({ name, description })),
  },
};
