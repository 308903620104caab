import type { Decision, Reason } from './decision.js';
import { exitReasonOf } from './exits.js';
import type { Reservation } from './ledger.js';
import { money } from './money.js';
import { clientOrderIdFor, orderIdFor, type OrderRequest } from './order.js';
import type { RiskContext } from './risk/context.js';
import { evaluateRisk } from './risk/evaluate.js';
import type { RiskGuard } from './risk/guard.js';

/** The decision input: the risk context plus the policy identity every record carries. */
export type DecideInput = RiskContext & { policyHash: string; policyVersion: number };

const DRY_RUN_REASON: Reason = { code: 'DRY_RUN', message: 'policy mode DRY_RUN: decision recorded, no order sent' };

/**
 * Runs the risk chain and builds the decision; when approved (and not DRY_RUN) also the market order and
 * the ledger reservation, tagged with the strategy and kind (reserve() logs it for pacing). Buys reserve
 * notional × (1 + taker fee); sells reserve 0 but are still tracked (an exit in flight blocks a second one).
 * DRY_RUN never approves: it appends a DRY_RUN reason and yields no order and no reservation.
 * `guards` replaces the policy's chain (guardsFor) — for a caller that has already proved its verdicts.
 */
export function decide(input: DecideInput, guards?: readonly RiskGuard[]): { decision: Decision; reservation?: Reservation } {
  const { intent, policy, price, now } = input;
  const risk = evaluateRisk(input, guards);
  const dryRun = policy.mode === 'DRY_RUN';
  const base = {
    intentId: intent.intentId,
    strategy: intent.strategy,
    symbol: intent.symbol,
    side: intent.side,
    kind: intent.kind,
    quantity: money(risk.quantity),
    notional: money(risk.notional),
    mode: policy.mode,
    policyHash: input.policyHash,
    policyVersion: input.policyVersion,
    decidedAt: now,
  };
  if (dryRun || !risk.approved) {
    const reasons = dryRun ? [...risk.reasons, DRY_RUN_REASON] : risk.reasons;
    return { decision: { ...base, approved: false, reasons } };
  }
  const orderId = orderIdFor(intent.intentId);
  const reserved = risk.cost;
  const order: OrderRequest = {
    orderId,
    clientOrderId: clientOrderIdFor(orderId),
    intentId: intent.intentId,
    strategy: intent.strategy,
    symbol: intent.symbol,
    side: intent.side,
    kind: intent.kind,
    type: 'market',
    quantity: money(risk.quantity),
    referencePrice: money(price),
    reservedNotional: money(reserved),
    mode: policy.mode,
    policyHash: input.policyHash,
    createdAt: now,
    ...(intent.kind === 'exit' ? { exitReason: exitReasonOf(intent) } : {}),
  };
  const reservation: Reservation = {
    orderId, symbol: intent.symbol, side: intent.side, notional: reserved, createdAt: now, strategy: intent.strategy, kind: intent.kind,
  };
  return { decision: { ...base, approved: true, reasons: [], order }, reservation };
}
