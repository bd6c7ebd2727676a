import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EndContactFunction } from './constructs/end-contact-function.js';
import { StopContactApi } from './constructs/stop-contact-api.js';

export type EndContactStackProps = StackProps;

/** End a Contact for Amazon Connect: the flow Lambda and the HTTP API. */
export class EndContactStack extends Stack {
  public readonly endContact: EndContactFunction;
  public readonly stopContactApi: StopContactApi;

  constructor(scope: Construct, id: string, props: EndContactStackProps = {}) {
    super(scope, id, props);
    this.endContact = new EndContactFunction(this, 'EndContact');
    this.stopContactApi = new StopContactApi(this, 'StopContactApi');
  }
}
