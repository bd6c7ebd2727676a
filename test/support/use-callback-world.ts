import { afterAll, beforeAll } from 'vitest';
import { type CallbackWorld, startCallbackWorld } from './callback-world.js';

/**
 * One callback world for the enclosing `describe`: started before its tests, closed after them.
 * The object is filled in by `beforeAll`, so read its fields inside tests only. Kept apart from
 * callback-world.ts, which the benches import outside vitest.
 */
export function useCallbackWorld(options: { quotas?: boolean; seed?: number } = {}): CallbackWorld {
  const world = {} as CallbackWorld;
  beforeAll(async () => {
    Object.assign(world, await startCallbackWorld(options));
  });
  afterAll(async () => {
    await world.close();
  });
  return world;
}
