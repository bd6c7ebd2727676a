import type { App } from 'aws-cdk-lib';
import { configsByRegion, type EndContactConfig } from './config.js';
import {
  addEndContactStack,
  configFromContext,
  type EndContactStack,
  stackId,
} from './end-contact-stack.js';

/** The stack ID of another Region's stack; the first instance's Region keeps `stackId`. */
export const regionalStackId = (region: string) => `${stackId}-${region}`;

/**
 * Adds one stack per Region of the configured instances, since contact events, integration
 * associations and flows live in their instance's Region: `AmazonConnectEndContact` for the first
 * instance's Region (a single-Region app's stack keeps its name), `AmazonConnectEndContact-<region>`
 * for each other, each pinned to its Region. Returns them, the first first.
 */
export function addEndContactStacks(
  app: App,
  config: EndContactConfig = configFromContext(app),
): EndContactStack[] {
  return configsByRegion(config).map(({ region, config: regional }, index) =>
    addEndContactStack(app, regional, index === 0 || !region ? stackId : regionalStackId(region)),
  );
}
