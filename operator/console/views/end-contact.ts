import type { Outcome } from '../../../lambdas/core/connect/outcome.js';
import type { EndContactInput } from '../../core/api.js';
import { type Html, html } from '../html.js';
import { allowOnly, BadParameterError, optional } from '../params.js';
import { type ConsoleContext, pageReply, type Reply, type View } from '../reply.js';

const fieldNames = ['contactId', 'securityUser', 'instanceId'] as const;

function endContactForm(values: Partial<Record<string, string>>, error?: BadParameterError): Html {
  const invalid = (name: string) =>
    error?.parameter === name ? html` aria-invalid="true" aria-describedby="form-error"` : '';
  return html`${error ? html`<p id="form-error" role="alert" class="problem">${error.message}</p>` : ''}
<form method="post" action="/end-contact" class="stack">
<div><label for="contactId">Contact ID</label><input id="contactId" name="contactId" required value="${values.contactId ?? ''}"${invalid('contactId')}></div>
<div><label for="securityUser">SecurityUser</label><input id="securityUser" name="securityUser" value="${values.securityUser ?? ''}" aria-describedby="securityUser-hint"${invalid('securityUser')}><span id="securityUser-hint" class="hint">A Connect user ID, user ARN or username whose security profiles must grant StopContact.Enabled ("End contact"). Blank: no check.</span></div>
<div><label for="instanceId">Instance ID</label><input id="instanceId" name="instanceId" value="${values.instanceId ?? ''}" aria-describedby="instanceId-hint"${invalid('instanceId')}><span id="instanceId-hint" class="hint">Blank: the target's only instance; needed when it has several.</span></div>
<div><button type="submit" class="danger">End the contact</button></div>
</form>`;
}

/** CXone's branch names for each outcome, as the flow door answers them. */
function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === 'stopped') return 'Ended (OnSuccess).';
  const reason = 'reason' in outcome && outcome.reason ? ` (${outcome.reason})` : '';
  return `Not ended: ${outcome.kind}${reason}: ${outcome.message}`;
}

/** `GET /end-contact`: CXone's End a Contact for any contact ID, with a SecurityUser. */
export const endContactFormView: View = (request, context) => {
  allowOnly(request.query, []);
  return pageReply(context, 'End a Contact', endContactForm({}), { view: '/end-contact' });
};

/** `POST /end-contact`: ends one contact and shows the outcome under the form. */
export const endContactView: View = async (request, context: ConsoleContext): Promise<Reply> => {
  const values: Partial<Record<string, string>> = {};
  try {
    allowOnly(request.form, fieldNames);
    for (const name of fieldNames) values[name] = optional(request.form, name);
    if (values.contactId === undefined) {
      throw new BadParameterError('contactId', 'is missing: give the ID of the contact to end');
    }
  } catch (error) {
    if (!(error instanceof BadParameterError)) throw error;
    return pageReply(context, 'End a Contact', endContactForm(values, error), {
      status: 400,
      view: '/end-contact',
    });
  }
  const input: EndContactInput = { contactId: values.contactId };
  if (values.securityUser) input.securityUser = values.securityUser;
  if (values.instanceId) input.instanceId = values.instanceId;
  const outcome = await context.api.endContact(input);
  const body = html`<p id="outcome" role="status" class="${outcome.kind === 'stopped' ? 'ok' : 'problem'}">Contact <code>${input.contactId}</code>: ${describeOutcome(outcome)}</p>
${endContactForm({ securityUser: values.securityUser, instanceId: values.instanceId })}`;
  return pageReply(context, 'End a Contact', body, { view: '/end-contact' });
};
