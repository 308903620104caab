/**
 * The embedded stand-in for EventBridge Scheduler: rate schedules from shared/resources.ts fired on
 * the virtual clock, each invocation carrying the same ScheduledInvocation input the AWS target gets.
 */
import type { Context } from 'aws-lambda';
import { StratusError } from '../domain/errors.js';
import { SCHEDULES, type ScheduledInvocation } from '../resources.js';
import { lambdaContext } from './lambda-context.js';
import { ClockWentBackwardsError } from './virtual-clock.js';

type JobName = keyof typeof SCHEDULES;

/** One scheduled function; rateMinutes and offsetSeconds default to SCHEDULES[job]. */
export interface ScheduledJob {
  readonly job: JobName;
  /** Fires at every epoch-aligned multiple of the rate, plus the offset. Whole minutes ≥ 1. */
  readonly rateMinutes?: number;
  /** Seconds after each aligned boundary, 0 ≤ offset < rate. */
  readonly offsetSeconds?: number;
  /** Lambda timeout used for the invocation context. Default 60. */
  readonly timeoutSeconds?: number;
  readonly invoke: (event: ScheduledInvocation, context: Context) => Promise<unknown>;
}

/** Scheduler-wide options. */
export interface LocalSchedulerOptions {
  /** Rethrow a job's error (wrapped in ScheduledJobFailedError) instead of recording it and going on. */
  readonly failFast?: boolean;
  /** Exclusive start: only occurrences after it fire. Default: the first runDue(now) starts at now, inclusive. */
  readonly startAt?: number;
}

/** Per-job counters. */
export interface JobStats {
  readonly invocations: number;
  readonly errors: number;
  /** Scheduled time (schedulerTime format) of the newest occurrence invoked. */
  readonly lastScheduledTime?: string;
}

/** One recorded job failure (the local equivalent of a Scheduler delivery failure). */
export interface JobFailure {
  readonly job: JobName;
  readonly scheduledTime: string;
  readonly error: unknown;
}

/** What one runDue call did. */
export interface ScheduleRun {
  /** Occurrences invoked (including those that failed). */
  readonly ran: number;
  readonly failures: readonly JobFailure[];
}

/** A job's invocation threw and the scheduler runs with failFast; `cause` is what the job threw. */
export class ScheduledJobFailedError extends StratusError {
  override readonly name = 'ScheduledJobFailedError';
  constructor(readonly job: JobName, readonly scheduledTime: string, cause: unknown) {
    super('SCHEDULED_JOB_FAILED', `scheduled job ${job} at ${scheduledTime} failed: ${String((cause as Error)?.message ?? cause)}`,
      (cause as { retryable?: unknown })?.retryable === true, { cause });
  }
}

/** A job registration that could never fire correctly. */
export class ScheduleConfigError extends StratusError {
  override readonly name = 'ScheduleConfigError';
  constructor(message: string) {
    super('SCHEDULE_CONFIG_INVALID', message, false);
  }
}

interface Entry {
  readonly job: JobName;
  readonly rateMs: number;
  readonly offsetMs: number;
  readonly timeoutSeconds: number;
  readonly invoke: ScheduledJob['invoke'];
  /** Occurrences at or before this time have been handled. */
  cursor: number | undefined;
  invocations: number;
  errors: number;
  lastScheduledTime?: string;
}

/** Fires registered jobs for every occurrence in (last run, now], in time order, one at a time. */
export class LocalScheduler {
  private readonly entries: Entry[] = [];
  private readonly failures: JobFailure[] = [];
  private lastNow: number | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: LocalSchedulerOptions = {}) {
    this.lastNow = opts.startAt;
  }

  /** Adds a job; throws ScheduleConfigError on a bad rate/offset or a job registered twice. */
  register(spec: ScheduledJob): void {
    const defaults = SCHEDULES[spec.job];
    const rateMinutes = spec.rateMinutes ?? defaults.rateMinutes;
    const offsetSeconds = spec.offsetSeconds ?? defaults.offsetSeconds;
    if (!Number.isInteger(rateMinutes) || rateMinutes < 1) throw new ScheduleConfigError(`${spec.job}: rateMinutes must be a whole number ≥ 1, got ${rateMinutes}`);
    if (!Number.isInteger(offsetSeconds) || offsetSeconds < 0 || offsetSeconds >= rateMinutes * 60) {
      throw new ScheduleConfigError(`${spec.job}: offsetSeconds must be a whole number in [0, ${rateMinutes * 60}), got ${offsetSeconds}`);
    }
    if (this.entries.some((e) => e.job === spec.job)) throw new ScheduleConfigError(`${spec.job} is already registered`);
    this.entries.push({
      job: spec.job, rateMs: rateMinutes * 60_000, offsetMs: offsetSeconds * 1000, timeoutSeconds: spec.timeoutSeconds ?? 60,
      invoke: spec.invoke, cursor: this.lastNow, invocations: 0, errors: 0,
    });
  }

  /**
   * Invokes every occurrence in (previous now, now], oldest first (ties in registration order), and
   * resolves with what ran. The first call (without startAt) covers `now` itself. Calls are
   * serialised; a `now` earlier than a previous call rejects with ClockWentBackwardsError.
   */
  runDue(now: number): Promise<ScheduleRun> {
    if (!Number.isFinite(now) || (this.lastNow !== undefined && now < this.lastNow)) {
      return Promise.reject(new ClockWentBackwardsError(this.lastNow ?? Number.NaN, now));
    }
    this.lastNow = now;
    const run = this.tail.then(() => this.fire(now));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Per-job invocation and error counts. */
  stats(): Partial<Record<JobName, JobStats>> {
    const out: Partial<Record<JobName, JobStats>> = {};
    for (const e of this.entries) {
      out[e.job] = { invocations: e.invocations, errors: e.errors, ...(e.lastScheduledTime ? { lastScheduledTime: e.lastScheduledTime } : {}) };
    }
    return out;
  }

  /** Every recorded job failure, oldest first. */
  errors(): readonly JobFailure[] {
    return [...this.failures];
  }

  private async fire(now: number): Promise<ScheduleRun> {
    for (const e of this.entries) e.cursor ??= now - 1;
    const due = this.entries
      .flatMap((entry, order) => occurrences(entry, now).map((at) => ({ entry, order, at })))
      .sort((a, b) => a.at - b.at || a.order - b.order);
    const failed: JobFailure[] = [];
    for (const { entry, at } of due) {
      const event: ScheduledInvocation = { source: 'stratus.scheduler', job: entry.job, scheduledTime: schedulerTime(at) };
      entry.cursor = at;
      entry.invocations++;
      entry.lastScheduledTime = event.scheduledTime;
      try {
        await entry.invoke(event, lambdaContext(entry.job, { timeoutSeconds: entry.timeoutSeconds }));
      } catch (error) {
        entry.errors++;
        const failure = { job: entry.job, scheduledTime: event.scheduledTime, error };
        this.failures.push(failure);
        failed.push(failure);
        if (this.opts.failFast) throw new ScheduledJobFailedError(entry.job, event.scheduledTime, error);
      }
    }
    for (const e of this.entries) e.cursor = now;
    return { ran: due.length, failures: failed };
  }
}

/** Scheduler's <aws.scheduler.scheduled-time> format: ISO-8601 to the second, e.g. 2022-03-22T18:59:43Z. */
export function schedulerTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

/** Occurrence times of one job in (cursor, now]. */
function occurrences(entry: Entry, now: number): number[] {
  const after = entry.cursor ?? now - 1;
  const out: number[] = [];
  let t = (Math.floor((after - entry.offsetMs) / entry.rateMs) + 1) * entry.rateMs + entry.offsetMs;
  for (; t <= now; t += entry.rateMs) out.push(t);
  return out;
}
