import { readFileSync } from 'node:fs';
import { Fn } from 'aws-cdk-lib';
import { CfnContactFlow } from 'aws-cdk-lib/aws-connect';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The importable example flow; its one `${...}` placeholder is `${EndContactFunctionArn}`. */
const exampleFlow = readFileSync(
  new URL('../flows/end-contact-example.json', import.meta.url),
  'utf8',
);

/** The importable flow that calls the End a Contact module; its placeholder is `${EndContactModuleId}`. */
export const moduleExampleFlow = readFileSync(
  new URL('../flows/end-contact-module-example.json', import.meta.url),
  'utf8',
);

export interface SampleContactFlowProps {
  /** The instance the flow is created in. */
  readonly instanceArn: string;
  /** The end-contact function the flow invokes; it must be associated with the instance. */
  readonly endContactFunction: IFunction;
  /**
   * The flow's name in the instance; names are unique per instance.
   * @default 'End a Contact (sample)'
   */
  readonly flowName?: string;
  /**
   * The End a Contact flow module's ID or ARN: with it, a second sample flow calls the module.
   * @default - no module sample flow
   */
  readonly endContactModuleId?: string;
}

/**
 * lib/flows/end-contact-example.json as an `AWS::Connect::ContactFlow`: invokes the end-contact
 * Lambda and branches on every result it returns (see lib/flows/README.md).
 */
export class SampleContactFlow extends Construct {
  public readonly flow: CfnContactFlow;
  /** The sample flow that calls the module, when `endContactModuleId` is given. */
  public readonly moduleFlow?: CfnContactFlow;

  constructor(scope: Construct, id: string, props: SampleContactFlowProps) {
    super(scope, id);
    this.flow = new CfnContactFlow(this, 'Flow', {
      instanceArn: props.instanceArn,
      name: props.flowName ?? 'End a Contact (sample)',
      type: 'CONTACT_FLOW',
      description:
        'Sample: ends the contact named by the TargetContactId attribute (End a Contact)',
      state: 'ACTIVE',
      content: Fn.sub(exampleFlow, {
        EndContactFunctionArn: props.endContactFunction.functionArn,
      }),
    });
    if (props.endContactModuleId) {
      this.moduleFlow = new CfnContactFlow(this, 'ModuleFlow', {
        instanceArn: props.instanceArn,
        name: `${props.flowName ?? 'End a Contact (sample)'} via module`,
        type: 'CONTACT_FLOW',
        description:
          'Sample: calls the End a Contact module for the TargetContactId attribute and branches on its branches',
        state: 'ACTIVE',
        content: Fn.sub(moduleExampleFlow, { EndContactModuleId: props.endContactModuleId }),
      });
    }
  }
}
