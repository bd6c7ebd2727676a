import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addEndContactStack } from './end-contact-stack.js';

const app = new App();
addEndContactStack(app);
// cdk-nag 3 runs as a validation plugin: any unacknowledged finding makes synth fail.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
