import type { Decision } from '../domain/decision.js';
import { decide } from '../domain/decide.js';
import { ContentionError, StateUnreadableError } from '../domain/errors.js';
import type { Intent } from '../domain/intent.js';
import { effectiveStatus } from '../domain/kill-switch.js';
import { release, reserve } from '../domain/ledger.js';
import { dec } from '../domain/money.js';
import { orderIdFor } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { Alerts, Clock, Exchange, MarketDataStore, OrderQueue, PolicyStore, StateStore } from '../ports.js';
import { loadLedger, marksFor } from './portfolio.js';

/** Ports the risk decision needs. */
export interface RiskDeps {
  readonly clock: Clock;
  readonly market: MarketDataStore;
  readonly policies: PolicyStore;
  readonly state: StateStore;
  readonly orders: OrderQueue;
  readonly alerts: Alerts;
  /** The venue whose market rules apply (paper or live, by policy mode). */
  readonly exchangeFor: (policy: Policy) => Exchange;
}

const MAX_ATTEMPTS = 8;

/**
 * Judges one intent under the policy in force, reserving its notional in the ledger with a
 * conditional write (so concurrent decisions cannot together exceed a portfolio limit),
 * records the decision, and sends an approved order to orders.fifo. Idempotent per intent:
 * a redelivered intent gets the stored decision and its order is re-sent (deduplicated by order id).
 */
export async function decideIntent(deps: RiskDeps, intent: Intent): Promise<Decision> {
  const existing = await deps.state.getDecision(intent.intentId);
  if (existing) return send(deps, existing);
  const loaded = await deps.policies.load();
  const { policy } = loaded;
  const now = deps.clock.now();
  const base = { intent, policy, now, policyHash: loaded.hash, policyVersion: loaded.version };
  let decision: Decision | undefined;
  try {
    const market = await deps.exchangeFor(policy).loadMarket(intent.symbol);
    const book = await deps.market.getTopOfBook(intent.symbol);
    const price = book ? dec(intent.side === 'buy' ? book.ask : book.bid) : undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !decision; attempt++) {
      const stored = await loadLedger(deps.state, policy, now);
      const ks = await deps.state.getKillSwitch();
      const killSwitch = effectiveStatus(ks?.value, now);
      if (!price) { decision = rejectWith(base, 'NO_MARKET_PRICE', `no top of book for ${intent.symbol}`); break; }
      const marks = await marksFor(deps.market, stored.value);
      const out = decide({ ...base, ledger: stored.value, killSwitch, market, price, marks });
      const own = orderIdFor(intent.intentId);
      const next = out.reservation ? reserve(stored.value, out.reservation)
        : stored.value.reservations[own] ? release(stored.value, own) : undefined;
      if (!next || next === stored.value || (await deps.state.putLedger(next, stored.version))) decision = out.decision;
    }
  } catch (error) {
    if (!(error instanceof StateUnreadableError)) throw error;
    decision = rejectWith(base, 'STATE_UNREADABLE', error.message);
    await deps.alerts.publish({ severity: 'critical', kind: 'STATE_UNREADABLE', at: now, title: 'State unreadable: new orders stopped', message: error.message });
  }
  if (!decision) throw new ContentionError(`ledger (intent ${intent.intentId})`);
  return send(deps, await deps.state.putDecision(decision));
}

async function send(deps: RiskDeps, decision: Decision): Promise<Decision> {
  if (decision.approved && decision.order) {
    await deps.orders.send([{ body: decision.order, groupId: decision.symbol, deduplicationId: decision.order.orderId }]);
  }
  return decision;
}

function rejectWith(
  b: { intent: Intent; policy: Policy; now: number; policyHash: string; policyVersion: number },
  code: 'NO_MARKET_PRICE' | 'STATE_UNREADABLE', message: string,
): Decision {
  const { intent } = b;
  return {
    intentId: intent.intentId, strategy: intent.strategy, symbol: intent.symbol, side: intent.side, kind: intent.kind,
    approved: false, reasons: [{ code, message }], mode: b.policy.mode, policyHash: b.policyHash,
    policyVersion: b.policyVersion, decidedAt: b.now,
  };
}
