import type { Decision, Reason } from './decision.js';
import type { Reservation } from './ledger.js';
import { dec, money, ZERO } from './money.js';
import { clientOrderIdFor, orderIdFor, type OrderRequest } from './order.js';
import type { RiskContext } from './risk/context.js';
import { evaluateRisk } from './risk/evaluate.js';

/** The decision input: the risk context plus the policy identity every record carries. */
export type DecideInput = RiskContext & { policyHash: string; policyVersion: number };

const DRY_RUN_REASON: Reason = { code: 'DRY_RUN', message: 'policy mode DRY_RUN: decision recorded, no order sent' };

/**
 * Runs the risk chain and builds the decision; when approved (and not DRY_RUN) also the market order and
 * the ledger reservation (buys reserve notional × (1 + taker fee); sells reserve 0 but are still tracked).
 * DRY_RUN never approves: it appends a DRY_RUN reason and yields no order and no reservation.
 */
export function decide(input: DecideInput): { decision: Decision; reservation?: Reservation } {
  const { intent, policy, market, price, now } = input;
  const risk = evaluateRisk(input);
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
  const reserved = intent.side === 'buy' ? risk.notional.mul(dec(market.takerFeeRate).add(1)) : ZERO;
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
  };
  const reservation: Reservation = { orderId, symbol: intent.symbol, side: intent.side, notional: reserved, createdAt: now };
  return { decision: { ...base, approved: true, reasons: [], order }, reservation };
}
