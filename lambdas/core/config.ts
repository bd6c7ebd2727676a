import { ConfigurationError } from './errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Reads a string variable; `fallback` applies when it is unset or empty. */
export function readString(name: string, fallback?: string, env: Env = process.env): string {
  const value = env[name]?.trim();
  if (value) return value;
  if (fallback !== undefined) return fallback;
  throw new ConfigurationError(`environment variable ${name} is required`);
}

export function readOptionalString(name: string, env: Env = process.env): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function readBoolean(name: string, fallback: boolean, env: Env = process.env): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigurationError(
    `environment variable ${name} must be true or false, got "${value}"`,
  );
}

export function readInteger(
  name: string,
  fallback: number,
  bounds: { min: number; max: number },
  env: Env = process.env,
): number {
  return readBounded(name, fallback, bounds, 'an integer', Number.isInteger, env);
}

export function readNumber(
  name: string,
  fallback: number,
  bounds: { min: number; max: number },
  env: Env = process.env,
): number {
  return readBounded(name, fallback, bounds, 'a number', Number.isFinite, env);
}

function readBounded(
  name: string,
  fallback: number,
  bounds: { min: number; max: number },
  kind: string,
  isKind: (value: number) => boolean,
  env: Env,
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!isKind(value) || value < bounds.min || value > bounds.max) {
    throw new ConfigurationError(
      `environment variable ${name} must be ${kind} from ${bounds.min} to ${bounds.max}, got "${raw}"`,
    );
  }
  return value;
}

const durationUnitsMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses "90s", "15m", "24h", "7d" or "500ms" into milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] as keyof typeof durationUnitsMs;
  return Math.round(amount * durationUnitsMs[unit]);
}

export function readDurationMs(name: string, fallback: string, env: Env = process.env): number {
  const raw = env[name]?.trim() || fallback;
  const value = parseDurationMs(raw);
  if (value === undefined || value <= 0) {
    throw new ConfigurationError(
      `environment variable ${name} must be a positive duration such as "15m", "24h" or "7d", got "${raw}"`,
    );
  }
  return value;
}
