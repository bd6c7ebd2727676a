import { readFileSync } from 'node:fs';
import { Fn } from 'aws-cdk-lib';
import { CfnContactFlowModule } from 'aws-cdk-lib/aws-connect';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { moduleSettings } from '../flows/end-contact-module-settings.js';

export {
  moduleBranches,
  moduleInputs,
  moduleOutputs,
  moduleSettings,
} from '../flows/end-contact-module-settings.js';

/** The module's flow-language content; its one `${...}` placeholder is `${EndContactFunctionArn}`. */
export const moduleContent = readFileSync(
  new URL('../flows/end-contact-module.json', import.meta.url),
  'utf8',
);

export interface EndContactModuleProps {
  /** The instance the module is created in. */
  readonly instanceArn: string;
  /** The end-contact function the module invokes; it must be associated with the instance. */
  readonly endContactFunction: IFunction;
  /**
   * Let Connect's AI agents call the module as a tool.
   * @default false
   */
  readonly externalInvocation?: boolean;
  /**
   * The module's name in the instance; names are unique per instance.
   * @default 'End a Contact'
   */
  readonly moduleName?: string;
}

/** NICE CXone's End a Contact block as an `AWS::Connect::ContactFlowModule`. */
export class EndContactModule extends Construct {
  public readonly module: CfnContactFlowModule;

  constructor(scope: Construct, id: string, props: EndContactModuleProps) {
    super(scope, id);
    this.module = new CfnContactFlowModule(this, 'Module', {
      instanceArn: props.instanceArn,
      name: props.moduleName ?? 'End a Contact',
      description:
        "NICE CXone's End a Contact: ends any contact by ID, with CXone's SecurityUser check and branches",
      state: 'ACTIVE',
      content: Fn.sub(moduleContent, {
        EndContactFunctionArn: props.endContactFunction.functionArn,
      }),
      settings: JSON.stringify(moduleSettings),
      externalInvocationConfiguration: { enabled: props.externalInvocation ?? false },
    });
  }
}
