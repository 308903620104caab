/**
 * The alert matrix in force: wraps any publisher (SNS in every function and the CLI) so that one instance
 * (kind, key) is sent once per dedup window with the count of what was suppressed, a critical one still
 * unresolved after its window is re-sent ESCALATED (escalateDue, from the metrics cycle), and a cleared one
 * sends exactly one RESOLVED. Each decision is a single-item conditional write on the episode, made before
 * the send: of two Lambdas publishing the same alert at once, the one whose write lands sends it.
 */
import { alertRules, alertSpec, type AlertKind, type AlertOverrides } from '../domain/alert-catalog.js';
import {
  closeStep, escalateStep, publishStep, resolveStep, type AlertEpisode, type AlertStep,
} from '../domain/alert-dedup.js';
import type { Alert, Alerts } from '../ports.js';
import type { AlertStateStore } from './memory-alert-state-store.js';

/** What the dedup layer wraps and where it keeps its episodes. */
export interface DedupingAlertsOptions {
  /** The publisher that actually sends (SnsAlerts); only publish is used. */
  readonly inner: Pick<Alerts, 'publish'>;
  readonly store: AlertStateStore;
  /** The deployment's per-kind windows (ALERT_OVERRIDES); the catalogue's defaults otherwise. */
  readonly overrides?: AlertOverrides;
  /** Told when the episode store failed: the alert was then sent undeduped (fail open), or a resolve skipped. */
  readonly onStoreError?: (error: unknown, kind: AlertKind) => void;
}

/** Conditional-write attempts per decision; losing them all drops one repeat from the count (others were writing it). */
const ATTEMPTS = 25;

/** Random pause before re-reading a contended episode, up to 2^attempt ms (at most 64 ms), so writers spread out. */
function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 6)));
}

/** Alerts with dedup, escalation and resolution (README "Alert matrix"). */
export class DedupingAlerts implements Alerts {
  readonly #o: DedupingAlertsOptions;

  constructor(options: DedupingAlertsOptions) {
    this.#o = options;
  }

  async publish(alert: Alert): Promise<void> {
    const spec = alertSpec(alert.kind);
    const keyed = { ...alert, key: alert.key ?? spec.key(alert) };
    const rules = alertRules(alert.kind, this.#o.overrides);
    try {
      const closed = spec.resolves ? await this.#close(spec.resolves as AlertKind, alert) : false;
      const marked = closed ? { ...keyed, resolved: true } : keyed;
      // A report that closed an open instance (a reset ending a trip) is news: it starts afresh, never a repeat.
      await this.#decide(alert.kind, keyed.key, (prev) => publishStep(closed ? (closeStep(prev, alert.at) ?? prev) : prev, marked, rules));
    } catch (error) {
      if (!(error instanceof StoreStepError)) throw error;
      this.#o.onStoreError?.(error.cause, alert.kind);
      await this.#o.inner.publish(keyed);
    }
  }

  async resolve(kind: AlertKind, key: string | undefined, at: number): Promise<void> {
    try {
      await this.#decide(kind, key ?? alertSpec(kind).key({}), (prev) => resolveStep(prev, at));
    } catch (error) {
      if (!(error instanceof StoreStepError)) throw error;
      this.#o.onStoreError?.(error.cause, kind);
    }
  }

  async escalateDue(now: number): Promise<number> {
    let sent = 0;
    for (const due of await this.#o.store.dueEscalations(now)) {
      const rules = alertRules(due.kind as AlertKind, this.#o.overrides);
      if (await this.#decide(due.kind as AlertKind, due.key, (prev) => escalateStep(prev, now, rules))) sent++;
    }
    return sent;
  }

  /** Closes the open episode `kind` of the same key without a message of its own; true when one was open. */
  async #close(kind: AlertKind, by: Alert): Promise<boolean> {
    const key = by.key ?? alertSpec(kind).key(by);
    return this.#decide(kind, key, (prev) => {
      const next = closeStep(prev, by.at);
      return next ? { next } : undefined;
    });
  }

  /**
   * Reads the episode, applies `step`, stores the result conditionally and, once stored, sends what the step
   * says (a repeat inside the window is only counted). A lost write re-reads after a jittered pause; a failed
   * send puts the previous episode back, so a retry sends again. True when a step was stored.
   */
  async #decide(kind: AlertKind, key: string, step: (prev: AlertEpisode | undefined) => AlertStep<Alert> | undefined): Promise<boolean> {
    const { store, inner } = this.#o;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await guard(() => store.get(kind, key));
      const s = step(current?.value);
      if (!s) return false;
      if (!(await guard(() => store.put(s.next, current)))) {
        await backOff(attempt);
        continue;
      }
      if (s.send) {
        try {
          await inner.publish(s.send as Alert);
        } catch (error) {
          const back = current?.value ?? { ...s.next, resolvedAt: s.next.lastSeenAt };
          await store.put(back, { value: s.next, version: (current?.version ?? 0) + 1 }).catch(() => false);
          throw error;
        }
      }
      return true;
    }
    return false;
  }
}

/** A store failure inside a decision (as opposed to the send failing). */
class StoreStepError extends Error {
  override readonly name = 'StoreStepError';
}

async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    throw new StoreStepError('alert state store failed', { cause });
  }
}
