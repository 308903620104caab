import type { Clock } from '../ports.js';
import { SCHEDULES, type ScheduledInvocation } from '../resources.js';

/**
 * EventBridge Scheduler fires on the minute, but the candle that just closed reaches the market
 * table a moment later. Waits until the job's offset past its scheduled minute (SCHEDULES), at
 * most maxWaitMs. The local scheduler already fires at the offset, so there it returns at once.
 */
export async function settle(invocation: ScheduledInvocation, clock: Clock, maxWaitMs = 15_000): Promise<void> {
  const scheduled = Date.parse(invocation.scheduledTime);
  if (Number.isNaN(scheduled)) return;
  const target = Math.floor(scheduled / 60_000) * 60_000 + SCHEDULES[invocation.job].offsetSeconds * 1000;
  const wait = Math.min(maxWaitMs, target - clock.now());
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
