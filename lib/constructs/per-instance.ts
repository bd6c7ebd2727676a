import type { ConnectInstance } from '../config.js';

/**
 * The construct ID of a per-instance resource. Construct IDs are a contract: the first instance
 * keeps the ID a single-instance stack has always had, so adding instances replaces nothing; each
 * other instance is keyed by its instance ID, so adding or removing one never renames another.
 */
export function perInstanceId(base: string, instance: ConnectInstance, index: number): string {
  return index === 0 ? base : `${base}-${instance.id}`;
}
