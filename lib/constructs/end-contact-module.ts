import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Fn } from 'aws-cdk-lib';
import { CfnContactFlowModule, CfnContactFlowModuleVersion } from 'aws-cdk-lib/aws-connect';
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
   * Let Connect's AI agents call the module as a tool. Connect takes this only when it creates the
   * module, so changing it replaces the module (a new one, named with " (AI agents)" when open).
   * When open, a module version is published for the agents to use.
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
  /** The published version AI agents use: only when `externalInvocation` is on. */
  public readonly version?: CfnContactFlowModuleVersion;

  constructor(scope: Construct, id: string, props: EndContactModuleProps) {
    super(scope, id);
    const open = props.externalInvocation ?? false;
    const name = props.moduleName ?? 'End a Contact';
    const settings = JSON.stringify(moduleSettings);
    // ExternalInvocationConfiguration is taken only at creation: CreateContactFlowModule takes it,
    // UpdateContactFlowModuleMetadata and UpdateContactFlowModuleContent do not
    // (https://docs.aws.amazon.com/connect/latest/APIReference/API_CreateContactFlowModule.html,
    // .../API_UpdateContactFlowModuleMetadata.html, .../API_UpdateContactFlowModuleContent.html).
    // So the open module is another resource (another logical ID), which CloudFormation creates
    // before it deletes the closed one; module names are unique per instance, hence its own name.
    this.module = new CfnContactFlowModule(this, open ? 'ModuleForAgents' : 'Module', {
      instanceArn: props.instanceArn,
      name: open ? `${name} (AI agents)` : name,
      description:
        "NICE CXone's End a Contact: ends any contact by ID, with CXone's SecurityUser check and branches",
      state: 'ACTIVE',
      content: Fn.sub(moduleContent, {
        EndContactFunctionArn: props.endContactFunction.functionArn,
      }),
      settings,
      externalInvocationConfiguration: { enabled: open },
    });
    if (open) {
      // AI agents call a module through a published version (a tool ID names the module and the
      // version). A version is an immutable snapshot and both its properties require replacement
      // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-connect-contactflowmoduleversion.html):
      // the description names the content's hash, so a new content publishes a new version.
      const sha = createHash('sha256').update(moduleContent).update(settings).digest('hex');
      this.version = new CfnContactFlowModuleVersion(this, 'Version', {
        contactFlowModuleId: this.module.attrContactFlowModuleArn,
        description: `End a Contact, content sha256 ${sha.slice(0, 16)}`,
      });
    }
  }
}
