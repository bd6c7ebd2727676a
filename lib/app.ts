import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { EndContactConfig } from './config.js';
import { configFromContext } from './end-contact-stack.js';
import { addEndContactStacks } from './regional-stacks.js';

const app = new App();
let config: EndContactConfig;
try {
  config = configFromContext(app);
} catch (error) {
  // A bad context value: the message names each key and its fix; a stack trace adds nothing.
  console.error((error as Error).message);
  process.exit(1);
}
// One stack per Region of the configured instances (docs/deploy.md, "Several Regions").
addEndContactStacks(app, config);
// cdk-nag 3 runs as a validation plugin: any unacknowledged finding makes synth fail.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
