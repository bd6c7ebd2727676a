import { Router } from '../../common/http/router.js';
import type { View } from './reply.js';
import { auditView } from './views/audit.js';
import { callbacksView, confirmEndView, endCallbacksView } from './views/callbacks.js';
import { endContactFormView, endContactView } from './views/end-contact.js';
import { jobStatusView, jobView, stopJobView } from './views/jobs.js';
import { queuesView } from './views/queues.js';
import { sweepRunView, sweepView } from './views/sweep.js';

/** Every page and action of the console. Whatever changes something is a POST. */
export const consoleRoutes = new Router<View>()
  .add('GET', '/', queuesView)
  .add('GET', '/callbacks', callbacksView)
  .add('GET', '/callbacks/confirm', confirmEndView)
  .add('POST', '/callbacks/end', endCallbacksView)
  .add('GET', '/sweep', sweepView)
  .add('POST', '/sweep/run', sweepRunView)
  .add('GET', '/jobs/{id}', jobView)
  .add('GET', '/jobs/{id}/status', jobStatusView)
  .add('POST', '/jobs/{id}/stop', stopJobView)
  .add('GET', '/audit', auditView)
  .add('GET', '/end-contact', endContactFormView)
  .add('POST', '/end-contact', endContactView);
