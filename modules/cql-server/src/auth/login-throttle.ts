/**
 * Slows down password guessing, as MySQL's connection_control does: after `threshold` failed logins
 * in a row for one role from one client address, every further attempt for that pair waits
 * `stepMs` × (failures − threshold + 1), at most `maxMs`, BEFORE its password is checked. The wait
 * is a timer, not work, so a brute-force run costs the server little CPU (each check is a
 * deliberately slow scrypt); a success resets the pair. Keyed by address and role, so one client
 * guessing cannot lock a role out for everyone else.
 */
export interface FailedLoginDelay {
  /** Failures allowed without delay (default 5). */
  threshold: number;
  /** Delay added per failure beyond the threshold (default 100 ms). */
  stepMs: number;
  /** Largest delay (default 2000 ms). */
  maxMs: number;
}

export const DEFAULT_FAILED_LOGIN_DELAY: FailedLoginDelay = { threshold: 5, stepMs: 100, maxMs: 2000 };

/** Pairs remembered; the least recently failing are forgotten first. */
const MAX_ENTRIES = 10_000;
/** A pair that has not failed for this long starts afresh. */
const FORGET_AFTER_MS = 10 * 60 * 1000;

export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; last: number }>();

  constructor(private readonly settings: FailedLoginDelay) {}

  /** Milliseconds the next attempt of this pair waits before its check (0: none). */
  delayFor(address: string, role: string): number {
    const entry = this.failures.get(`${address}\0${role}`);
    if (!entry || Date.now() - entry.last > FORGET_AFTER_MS) return 0;
    const over = entry.count - this.settings.threshold + 1;
    return over <= 0 ? 0 : Math.min(this.settings.maxMs, over * this.settings.stepMs);
  }

  failed(address: string, role: string): void {
    const key = `${address}\0${role}`;
    const entry = this.failures.get(key);
    const count = entry && Date.now() - entry.last <= FORGET_AFTER_MS ? entry.count + 1 : 1;
    this.failures.delete(key);
    this.failures.set(key, { count, last: Date.now() });
    if (this.failures.size > MAX_ENTRIES) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(address: string, role: string): void {
    this.failures.delete(`${address}\0${role}`);
  }
}
