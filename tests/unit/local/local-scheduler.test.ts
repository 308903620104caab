import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ScheduledInvocation } from '../../../shared/resources.js';
import { LocalScheduler, ScheduleConfigError, ScheduledJobFailedError, schedulerTime, type ScheduledJob } from '../../../shared/local/local-scheduler.js';
import { ClockWentBackwardsError } from '../../../shared/local/virtual-clock.js';

const T0 = Date.UTC(2024, 0, 1); // 2024-01-01T00:00:00.000Z, a 5-minute boundary
const at = (hhmmss: string) => T0 + hhmmss.split(':').map(Number).reduce((acc, n) => acc * 60 + n, 0) * 1000;
const iso = (hhmmss: string) => `2024-01-01T${hhmmss}Z`;

/** A scheduler whose jobs record (job, scheduledTime) in invocation order. */
function recording(jobs: Omit<ScheduledJob, 'invoke'>[], opts?: ConstructorParameters<typeof LocalScheduler>[0]) {
  const calls: { event: ScheduledInvocation; ctx: Context }[] = [];
  const scheduler = new LocalScheduler(opts);
  for (const j of jobs) scheduler.register({ ...j, invoke: async (event, ctx) => { calls.push({ event, ctx }); } });
  const fired = () => calls.map((c) => `${c.event.scheduledTime.slice(11, 19)} ${c.event.job}`);
  return { scheduler, calls, fired };
}

const ALL: Omit<ScheduledJob, 'invoke'>[] = [{ job: 'signal' }, { job: 'metrics' }, { job: 'reconcile' }];

describe('LocalScheduler', () => {
  it('fires every occurrence of a jump across several minutes once, in time order, with the default rates and offsets', async () => {
    const { scheduler, fired } = recording(ALL);
    await scheduler.runDue(at('00:00:00'));
    const run = await scheduler.runDue(at('00:07:50'));
    expect(fired()).toEqual([
      '00:00:05 signal', '00:00:30 metrics', '00:00:45 reconcile',
      '00:01:05 signal', '00:01:30 metrics',
      '00:02:05 signal', '00:02:30 metrics',
      '00:03:05 signal', '00:03:30 metrics',
      '00:04:05 signal', '00:04:30 metrics',
      '00:05:05 signal', '00:05:30 metrics', '00:05:45 reconcile',
      '00:06:05 signal', '00:06:30 metrics',
      '00:07:05 signal', '00:07:30 metrics',
    ]);
    expect(run).toEqual({ ran: 18, failures: [] });
  });

  it('formats scheduledTime like <aws.scheduler.scheduled-time>: ISO-8601 to the second, UTC', () => {
    expect(schedulerTime(Date.UTC(2022, 2, 22, 18, 59, 43))).toBe('2022-03-22T18:59:43Z');
    expect(Date.parse(schedulerTime(at('00:05:45')))).toBe(at('00:05:45'));
  });

  it('sends the EventBridge Scheduler target input and a Lambda context named after the job', async () => {
    const { scheduler, calls } = recording([{ job: 'metrics' }]);
    await scheduler.runDue(at('00:00:00'));
    await scheduler.runDue(at('00:01:59'));
    expect(calls.map((c) => c.event)).toEqual([
      { source: 'stratus.scheduler', job: 'metrics', scheduledTime: '2024-01-01T00:00:30Z' },
      { source: 'stratus.scheduler', job: 'metrics', scheduledTime: '2024-01-01T00:01:30Z' },
    ]);
    expect(calls[0]!.ctx.functionName).toBe('metrics');
    expect(calls[0]!.ctx.awsRequestId).not.toBe(calls[1]!.ctx.awsRequestId);
  });

  it('covers (last run, now]: an occurrence exactly at now fires, and not again on the next call', async () => {
    const { scheduler, fired } = recording([{ job: 'signal' }]);
    await scheduler.runDue(at('00:00:04'));
    expect(fired()).toEqual([]);
    await scheduler.runDue(at('00:00:05'));
    expect(fired()).toEqual(['00:00:05 signal']);
    await scheduler.runDue(at('00:00:05'));
    await scheduler.runDue(at('00:01:04') + 999);
    expect(fired()).toEqual(['00:00:05 signal']);
    await scheduler.runDue(at('00:01:05'));
    expect(fired()).toEqual(['00:00:05 signal', '00:01:05 signal']);
  });

  it('treats the first call as the start, covering now itself', async () => {
    const { scheduler, fired } = recording(ALL);
    await scheduler.runDue(at('00:05:45'));
    expect(fired()).toEqual(['00:05:45 reconcile']);
  });

  it('fires nothing at or before an explicit startAt', async () => {
    const { scheduler, fired } = recording(ALL, { startAt: at('00:00:30') });
    await scheduler.runDue(at('00:01:00'));
    expect(fired()).toEqual(['00:00:45 reconcile']);
  });

  it.each([
    { name: 'reconcile every 5 minutes at +45 s', job: { job: 'reconcile' as const }, to: '00:16:00',
      want: ['00:05:45', '00:10:45', '00:15:45'] },
    { name: 'a 5-minute rate with no offset', job: { job: 'signal' as const, rateMinutes: 5, offsetSeconds: 0 }, to: '00:15:00',
      want: ['00:05:00', '00:10:00', '00:15:00'] },
    { name: 'a 1-minute rate with a custom offset', job: { job: 'signal' as const, offsetSeconds: 50 }, to: '00:03:49',
      want: ['00:01:50', '00:02:50'] },
    { name: 'a 5-minute rate with an offset past the first minute', job: { job: 'metrics' as const, rateMinutes: 5, offsetSeconds: 150 }, to: '00:13:00',
      want: ['00:02:30', '00:07:30', '00:12:30'] },
  ])('aligns occurrences to the epoch: $name', async ({ job, to, want }) => {
    const { scheduler, calls } = recording([job]);
    await scheduler.runDue(at('00:01:00'));
    await scheduler.runDue(at(to));
    expect(calls.map((c) => c.event.scheduledTime)).toEqual(want.map(iso));
  });

  it('records a failing job, keeps firing the rest, and exposes the errors and per-job stats', async () => {
    const scheduler = new LocalScheduler();
    const seen: string[] = [];
    scheduler.register({ job: 'signal', invoke: async (e) => { seen.push(e.scheduledTime); if (e.scheduledTime === iso('00:01:05')) throw new Error('boom'); } });
    scheduler.register({ job: 'metrics', invoke: async () => undefined });
    await scheduler.runDue(at('00:00:00'));
    const run = await scheduler.runDue(at('00:02:59'));
    expect(seen).toEqual([iso('00:00:05'), iso('00:01:05'), iso('00:02:05')]);
    expect(run.ran).toBe(6);
    expect(run.failures).toHaveLength(1);
    expect(scheduler.errors()).toEqual([{ job: 'signal', scheduledTime: iso('00:01:05'), error: new Error('boom') }]);
    expect(scheduler.stats()).toEqual({
      signal: { invocations: 3, errors: 1, lastScheduledTime: iso('00:02:05') },
      metrics: { invocations: 3, errors: 0, lastScheduledTime: iso('00:02:30') },
    });
  });

  it('with failFast rethrows the job error and fires the occurrences it skipped on the next call', async () => {
    const scheduler = new LocalScheduler({ failFast: true });
    const seen: string[] = [];
    const cause = new Error('exchange down');
    let failOnce = true;
    scheduler.register({ job: 'signal', invoke: async (e) => { seen.push(`${e.job} ${e.scheduledTime}`); if (failOnce) { failOnce = false; throw cause; } } });
    scheduler.register({ job: 'metrics', invoke: async (e) => { seen.push(`${e.job} ${e.scheduledTime}`); } });
    await scheduler.runDue(at('00:00:00'));
    const err = await scheduler.runDue(at('00:01:59')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScheduledJobFailedError);
    expect(err).toMatchObject({ job: 'signal', scheduledTime: iso('00:00:05'), cause });
    expect(seen).toEqual([`signal ${iso('00:00:05')}`]);
    await scheduler.runDue(at('00:01:59'));
    expect(seen).toEqual([
      `signal ${iso('00:00:05')}`, `metrics ${iso('00:00:30')}`, `signal ${iso('00:01:05')}`, `metrics ${iso('00:01:30')}`,
    ]);
    expect(scheduler.stats().signal).toMatchObject({ invocations: 2, errors: 1 });
  });

  it('rejects a time earlier than the previous call', async () => {
    const { scheduler } = recording(ALL);
    await scheduler.runDue(at('00:10:00'));
    await expect(scheduler.runDue(at('00:09:59'))).rejects.toBeInstanceOf(ClockWentBackwardsError);
  });

  it('runs overlapping runDue calls one after the other, never two invocations at once', async () => {
    const scheduler = new LocalScheduler();
    let running = 0;
    let maxRunning = 0;
    const seen: string[] = [];
    scheduler.register({ job: 'signal', invoke: async (e) => {
      running++; maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setImmediate(r));
      seen.push(e.scheduledTime);
      running--;
    } });
    void scheduler.runDue(at('00:00:00'));
    const a = scheduler.runDue(at('00:02:00'));
    const b = scheduler.runDue(at('00:04:00'));
    await Promise.all([a, b]);
    expect(maxRunning).toBe(1);
    expect(seen).toEqual(['00:00:05', '00:01:05', '00:02:05', '00:03:05'].map(iso));
  });

  it('starts a job registered later from the last time the scheduler ran', async () => {
    const scheduler = new LocalScheduler();
    const seen: string[] = [];
    scheduler.register({ job: 'signal', invoke: async () => undefined });
    await scheduler.runDue(at('00:00:00'));
    await scheduler.runDue(at('00:03:00'));
    scheduler.register({ job: 'metrics', invoke: async (e) => { seen.push(e.scheduledTime); } });
    await scheduler.runDue(at('00:04:40'));
    expect(seen).toEqual(['00:03:30', '00:04:30'].map(iso));
  });

  it.each([
    { name: 'a zero rate', job: { job: 'signal' as const, rateMinutes: 0 } },
    { name: 'a fractional rate', job: { job: 'signal' as const, rateMinutes: 1.5 } },
    { name: 'an offset as long as the rate', job: { job: 'signal' as const, offsetSeconds: 60 } },
    { name: 'a negative offset', job: { job: 'reconcile' as const, offsetSeconds: -1 } },
  ])('refuses to register $name', ({ job }) => {
    expect(() => new LocalScheduler().register({ ...job, invoke: async () => undefined })).toThrow(ScheduleConfigError);
  });

  it('refuses to register the same job twice', () => {
    const scheduler = new LocalScheduler();
    scheduler.register({ job: 'metrics', invoke: async () => undefined });
    expect(() => scheduler.register({ job: 'metrics', invoke: async () => undefined })).toThrow(ScheduleConfigError);
  });
});
