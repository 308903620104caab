/**
 * The embedded runtime's clock: time moves only when the replay moves it, and never backwards,
 * so every service that reads the Clock port sees the replayed market's time.
 */
import { StratusError } from '../domain/errors.js';
import type { Clock } from '../ports.js';

/** Someone asked a local clock or scheduler to go back in time (or to a non-finite time): a replay bug. */
export class ClockWentBackwardsError extends StratusError {
  override readonly name = 'ClockWentBackwardsError';
  constructor(readonly from: number, readonly to: number) {
    super('CLOCK_WENT_BACKWARDS', `time cannot move from ${describe(from)} to ${describe(to)}`, false);
  }
}

/** A Clock the caller drives: epoch ms, monotonic (set to the same time is allowed, earlier throws). */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start: number) {
    if (!Number.isFinite(start)) throw new ClockWentBackwardsError(Number.NaN, start);
    this.current = start;
  }

  /** The current virtual time, epoch ms. */
  now(): number {
    return this.current;
  }

  /** Moves the clock to `t` (epoch ms); throws ClockWentBackwardsError if `t` is earlier than now(). */
  set(t: number): void {
    if (!Number.isFinite(t) || t < this.current) throw new ClockWentBackwardsError(this.current, t);
    this.current = t;
  }

  /** Moves the clock forward by `ms` (≥ 0) and returns the new time. */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new ClockWentBackwardsError(this.current, this.current + ms);
    this.current += ms;
    return this.current;
  }
}

function describe(t: number): string {
  return Number.isFinite(t) ? `${new Date(t).toISOString()} (${t})` : String(t);
}
