import type { RequestLogEntry } from './types.js';

/** The last Connect API requests answered (control API calls are not logged). */
export class RequestLog {
  private entries: RequestLogEntry[] = [];

  constructor(private readonly limit = 10_000) {}

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    // Trim in chunks so a long benchmark does not shift the array on every request.
    if (this.entries.length > this.limit * 1.5) this.entries = this.entries.slice(-this.limit);
  }

  list(): RequestLogEntry[] {
    return this.entries.slice(-this.limit);
  }

  clear(): void {
    this.entries = [];
  }
}
