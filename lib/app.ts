import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { EndContactConfig } from './config.js';
import { configFromContext } from './end-contact-stack.js';
import { addEndContactStacks } from './regional-stacks.js';

const app = new App();
try {
  const config: EndContactConfig = configFromContext(app);
  // One stack per Region of the configured instances (docs/deploy.md, "Several Regions").
  addEndContactStacks(app, config);
} catch (error) {
  // A bad context value or prop: the message names the key and its fix (design: synth errors are
  // plain Errors); a stack trace adds nothing.
  console.error(`synth: ${(error as Error).message.split('\n')[0]}`);
  process.exit(1);
}
// cdk-nag 3 runs as a validation plugin: any unacknowledged finding makes synth fail.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
