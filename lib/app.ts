import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EndContactStack } from './end-contact-stack.js';

const app = new App();
new EndContactStack(app, 'AmazonConnectEndContact', {
  description: "NICE CXone's End a Contact for Amazon Connect",
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
