import type { Decision } from '../../shared/domain/decision.js';
import { dec } from '../../shared/domain/money.js';
import type { OrderRequest } from '../../shared/domain/order.js';
import type { StateStore } from '../../shared/ports.js';

/**
 * Stores `request` as the approved decision of its intent, as decideIntent does before it sends an order:
 * execution sends only orders that match a stored approved decision. For tests that build their own orders
 * (the ledger reservation is the caller's, as before). Returns the stored decision (an existing one wins).
 */
export async function recordApprovedDecision(state: StateStore, request: OrderRequest, at: number): Promise<Decision> {
  return state.putDecision({
    intentId: request.intentId, strategy: request.strategy, symbol: request.symbol, side: request.side, kind: request.kind,
    approved: true, reasons: [], quantity: request.quantity, notional: dec(request.quantity).mul(request.referencePrice).toFixed(),
    order: request, mode: request.mode, policyHash: request.policyHash, policyVersion: 0, decidedAt: at,
  });
}
