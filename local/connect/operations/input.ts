import { invalidParameter } from '../errors.js';

interface LengthLimits {
  min: number;
  max: number;
}

/**
 * Reads one request's members and checks them against Connect's model constraints; a violation is
 * InvalidParameterException naming the member (`TimeRange.Type`) and the constraint.
 */
export class RequestInput {
  constructor(
    private readonly source: Record<string, unknown>,
    private readonly prefix = '',
  ) {}

  has(member: string): boolean {
    return this.source[member] !== undefined && this.source[member] !== null;
  }

  requiredString(member: string, limits: LengthLimits): string {
    const value = this.optionalString(member, limits);
    if (value === undefined) throw this.violation(member, null, 'Member must not be null');
    return value;
  }

  optionalString(member: string, limits: LengthLimits): string | undefined {
    const value = this.source[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.violation(member, value, 'Member must be a string');
    checkLength(this, member, value, limits);
    return value;
  }

  optionalEnum<T extends string>(member: string, allowed: readonly T[]): T | undefined {
    const value = this.source[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw this.violation(
        member,
        value,
        `Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
    }
    return value as T;
  }

  requiredEnum<T extends string>(member: string, allowed: readonly T[]): T {
    const value = this.optionalEnum(member, allowed);
    if (value === undefined) throw this.violation(member, null, 'Member must not be null');
    return value;
  }

  optionalInteger(member: string, range: LengthLimits): number | undefined {
    const raw = this.source[member];
    if (raw === undefined || raw === null) return undefined;
    const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw this.violation(member, raw, 'Member must be an integer');
    }
    if (value < range.min) {
      throw this.violation(
        member,
        value,
        `Member must have value greater than or equal to ${range.min}`,
      );
    }
    if (value > range.max) {
      throw this.violation(
        member,
        value,
        `Member must have value less than or equal to ${range.max}`,
      );
    }
    return value;
  }

  optionalStringList(
    member: string,
    limits: {
      minItems?: number;
      maxItems: number;
      item?: LengthLimits;
      allowed?: readonly string[];
    },
  ): string[] | undefined {
    const value = this.source[member];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw this.violation(member, value, 'Member must be a list');
    checkLength(this, member, value, { min: limits.minItems ?? 0, max: limits.maxItems });
    return value.map((item, index) => {
      const where = `${member}.${index + 1}`;
      if (typeof item !== 'string') throw this.violation(where, item, 'Member must be a string');
      if (limits.item) checkLength(this, where, item, limits.item);
      if (limits.allowed && !limits.allowed.includes(item)) {
        throw this.violation(
          where,
          item,
          `Member must satisfy enum value set: [${limits.allowed.join(', ')}]`,
        );
      }
      return item;
    });
  }

  requiredStringMap(
    member: string,
    limits: {
      minEntries?: number;
      maxEntries?: number;
      key: LengthLimits;
      value: LengthLimits;
      keyPattern?: RegExp;
    },
  ): Record<string, string> {
    const value = this.source[member];
    if (value === undefined || value === null)
      throw this.violation(member, null, 'Member must not be null');
    if (typeof value !== 'object' || Array.isArray(value))
      throw this.violation(member, value, 'Member must be a map');
    const entries = Object.entries(value);
    if (entries.length < (limits.minEntries ?? 0)) {
      throw this.violation(
        member,
        value,
        `Member must have length greater than or equal to ${limits.minEntries}`,
      );
    }
    if (limits.maxEntries !== undefined && entries.length > limits.maxEntries) {
      throw this.violation(
        member,
        value,
        `Member must have length less than or equal to ${limits.maxEntries}`,
      );
    }
    const result: Record<string, string> = {};
    for (const [key, entry] of entries) {
      checkLength(this, `${member}.key`, key, limits.key);
      if (limits.keyPattern && !limits.keyPattern.test(key)) {
        throw this.violation(
          `${member}.key`,
          key,
          `Member must satisfy regular expression pattern: ${limits.keyPattern.source}`,
        );
      }
      if (typeof entry !== 'string')
        throw this.violation(`${member}.${key}`, entry, 'Member must be a string');
      checkLength(this, `${member}.${key}`, entry, limits.value);
      result[key] = entry;
    }
    return result;
  }

  optionalObject(member: string): RequestInput | undefined {
    const value = this.source[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
      throw this.violation(member, value, 'Member must be a structure');
    return new RequestInput(value as Record<string, unknown>, `${this.prefix}${member}.`);
  }

  requiredObject(member: string): RequestInput {
    const value = this.optionalObject(member);
    if (!value) throw this.violation(member, null, 'Member must not be null');
    return value;
  }

  optionalObjectList(member: string, maxItems: number): RequestInput[] | undefined {
    const value = this.source[member];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw this.violation(member, value, 'Member must be a list');
    if (value.length > maxItems) {
      throw this.violation(
        member,
        value,
        `Member must have length less than or equal to ${maxItems}`,
      );
    }
    return value.map((item, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw this.violation(`${member}.${index + 1}`, item, 'Member must be a structure');
      }
      return new RequestInput(
        item as Record<string, unknown>,
        `${this.prefix}${member}.${index + 1}.`,
      );
    });
  }

  /** A rest-json timestamp (epoch seconds; an ISO-8601 string is accepted too), as epoch ms. */
  requiredTimestamp(member: string): number {
    const value = this.source[member];
    if (value === undefined || value === null)
      throw this.violation(member, null, 'Member must not be null');
    if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
    if (typeof value === 'string') {
      const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
      if (Number.isFinite(parsed)) return parsed;
    }
    throw this.violation(member, value, 'Member must be a timestamp in epoch seconds');
  }

  violation(member: string, value: unknown, constraint: string) {
    const shown = value === null || value === undefined ? 'null' : `'${describe(value)}'`;
    return invalidParameter(
      `1 validation error detected: Value ${shown} at '${this.prefix}${member}' failed to satisfy constraint: ${constraint}`,
    );
  }
}

/** Connect's length constraint, for a string's characters or a list's items alike. */
function checkLength(
  input: RequestInput,
  member: string,
  value: string | readonly unknown[],
  limits: LengthLimits,
): void {
  if (value.length < limits.min) {
    throw input.violation(
      member,
      value,
      `Member must have length greater than or equal to ${limits.min}`,
    );
  }
  if (value.length > limits.max) {
    throw input.violation(
      member,
      value,
      `Member must have length less than or equal to ${limits.max}`,
    );
  }
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}
