/**
 * The order in which the signal function sends a cycle's intents (evaluate-signals.ts), which is the order the
 * risk function judges them in: every risk exit first (symbols in scope order), then each enabled strategy's
 * signals in policy order, symbols in scope order within. The order matters: an approval is a reservation and a
 * trade time that the decisions after it see (pacing, exposure).
 */
import { RISK_EXIT_STRATEGY } from '../domain/exits.js';
import type { Policy } from '../domain/policy.js';
import type { SignalAt } from './decisions.js';

/** A signal of one step with the slot of its symbol (its index in the engine's scope order) and its step. */
export interface StepSignal<S> {
  readonly slot: number;
  readonly x: SignalAt;
  readonly s: S;
}

/** Sorts a step's signals into the signal function's order, in place (stable: one strategy's name twice keeps policy order). */
export function inCycleOrder<S>(signals: StepSignal<S>[], policy: Policy): void {
  const rank = new Map<string, number>();
  policy.strategies.forEach((cfg, index) => { if (!rank.has(cfg.name)) rank.set(cfg.name, index); });
  const of = (x: SignalAt) => (x.strategy === RISK_EXIT_STRATEGY ? -1 : rank.get(x.strategy) ?? policy.strategies.length);
  signals.sort((a, b) => of(a.x) - of(b.x) || a.slot - b.slot);
}
