import type { Template } from 'aws-cdk-lib/assertions';

/** A resource's `Content` as `cdk synth` deploys it: the Fn::Sub text and its placeholders. */
export interface SynthesizedContent {
  text: string;
  variables: Record<string, unknown>;
}

/** The one resource of this type (or the one named `name`) in the template, its Content read back. */
export function synthesizedContent(
  template: Template,
  type: 'AWS::Connect::ContactFlowModule' | 'AWS::Connect::ContactFlow',
  name?: string,
): SynthesizedContent {
  const resources = Object.values(template.findResources(type)).filter(
    (resource) => name === undefined || resource.Properties.Name === name,
  );
  const [resource, ...others] = resources;
  if (!resource || others.length > 0)
    throw new Error(`expected one ${type} ${name ?? ''}, got ${resources.length}`);
  const [text, variables] = resource.Properties.Content['Fn::Sub'] as [
    string,
    Record<string, unknown>,
  ];
  return { text, variables };
}

/** CloudFormation's Fn::Sub over the placeholders, as the local door does it. */
export { substitute } from '../../local/flow-door.js';
