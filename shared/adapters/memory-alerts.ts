/** In-memory Alerts for the backtest and tests: keeps every published alert in order. */
import type { Alert, Alerts } from '../ports.js';

/** Records alerts instead of sending them. */
export class MemoryAlerts implements Alerts {
  readonly #published: Alert[] = [];

  /** Every alert published so far, oldest first. */
  get published(): readonly Alert[] {
    return this.#published;
  }

  async publish(alert: Alert): Promise<void> {
    this.#published.push(JSON.parse(JSON.stringify(alert)) as Alert);
  }

  /** Alerts of one kind, e.g. 'KILL_SWITCH_TRIPPED'. */
  ofKind(kind: string): Alert[] {
    return this.#published.filter((a) => a.kind === kind);
  }
}
