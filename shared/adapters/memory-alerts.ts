/** In-memory Alerts for the backtest and tests: keeps every published alert in order. */
import type { Alert, AlertKind, Alerts } from '../ports.js';
import { redactDeep } from './redaction.js';

/** Records alerts instead of sending them, redacted as SnsAlerts sends them. */
export class MemoryAlerts implements Alerts {
  readonly #published: Alert[] = [];

  /** Every alert published so far, oldest first. */
  get published(): readonly Alert[] {
    return this.#published;
  }

  async publish(alert: Alert): Promise<void> {
    this.#published.push(JSON.parse(JSON.stringify(redactDeep(alert))) as Alert);
  }

  /** Conditions reported cleared (resolve calls), oldest first; nothing is sent for them here. */
  readonly resolutions: { readonly kind: AlertKind; readonly key: string | undefined; readonly at: number }[] = [];

  async resolve(kind: AlertKind, key: string | undefined, at: number): Promise<void> {
    this.resolutions.push({ kind, key, at });
  }

  /** Nothing escalates without the dedup layer (DedupingAlerts). */
  async escalateDue(): Promise<number> {
    return 0;
  }

  /** Alerts of one kind, e.g. 'KILL_SWITCH_TRIPPED'. */
  ofKind(kind: string): Alert[] {
    return this.#published.filter((a) => a.kind === kind);
  }
}
