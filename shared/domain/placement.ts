/**
 * What is known about the send of a SUBMITTING order, read from its history: the send is in flight (its
 * delivery's lease runs), known not made, or of unknown outcome. An unknown outcome is resolved "never
 * placed" only by repeated not-found answers spanning the policy's settle window; every answer, the
 * resolution and the one ORDER_UNRESOLVED alert are history notes on the order, so any process can resume.
 */
import type { OrderRecord } from './order.js';

/** The settle policy: policy.execution's settleWindowSeconds, settleNotFoundChecks, unresolvedAlertSeconds. */
export interface SettlePolicy {
  readonly settleWindowSeconds: number;
  readonly settleNotFoundChecks: number;
  readonly unresolvedAlertSeconds: number;
}

/** History notes of the send protocol (status SUBMITTING). */
export const SEND_NOTE = {
  claimed: 'send claimed by a redelivery',
  notSent: 'not sent: ',
  outcomeUnknown: 'outcome unknown: ',
  notFound: 'not found by client order id #',
  neverPlaced: 'never placed: ',
  alerted: 'unresolved: operator alerted',
} as const;

/** What a delivery may do with a SUBMITTING order the exchange does not show. */
export type SendState =
  /** The claimant's lease runs and its send has no known outcome yet: wait. */
  | { readonly kind: 'in-flight'; readonly claimedAt: number; readonly leaseEndsAt: number }
  /** Nothing was sent since the last claim, or an unknown send was resolved as never placed: a send may be claimed at once. */
  | { readonly kind: 'free' }
  /** The last send may have reached the exchange: never re-send until resolved. */
  | { readonly kind: 'unresolved'; readonly sentAt: number; readonly settleFrom: number; readonly checks: readonly number[]; readonly alerted: boolean };

type Entry = OrderRecord['history'][number];

const has = (e: Entry, prefix: string) => e.note?.startsWith(prefix) === true;

/** True for the entry that claimed a send: the move to SUBMITTING (admit, adoption) or a redelivery's claim. */
function isClaim(e: Entry, i: number, history: readonly Entry[]): boolean {
  return e.status === 'SUBMITTING' && (history[i - 1]?.status !== 'SUBMITTING' || e.note === SEND_NOTE.claimed);
}

/**
 * The send state of a SUBMITTING order at `now`. `leaseMs` is how long a send belongs to the delivery that
 * claimed it; the exchange cannot accept that delivery's request after its lease (the lease covers the
 * request's recvWindow), so the settle window counts from the lease's end. An outcome-unknown note ends the
 * wait for the lease early (the sender is done), not the settle window.
 */
export function sendState(order: OrderRecord, now: number, leaseMs: number): SendState {
  const h = order.history;
  const at = h.findLastIndex((e, i) => isClaim(e, i, h));
  const claimedAt = h[at]?.at ?? order.updatedAt;
  const since = at < 0 ? [] : h.slice(at + 1);
  if (since.some((e) => has(e, SEND_NOTE.notSent) || has(e, SEND_NOTE.neverPlaced))) return { kind: 'free' };
  const unknownAt = since.find((e) => has(e, SEND_NOTE.outcomeUnknown))?.at;
  if (unknownAt === undefined && now - claimedAt < leaseMs) return { kind: 'in-flight', claimedAt, leaseEndsAt: claimedAt + leaseMs };
  return {
    kind: 'unresolved', sentAt: claimedAt, settleFrom: claimedAt + leaseMs,
    checks: since.filter((e) => has(e, SEND_NOTE.notFound)).map((e) => e.at), alerted: h.some((e) => has(e, SEND_NOTE.alerted)),
  };
}

/** The order after one more not-found answer at `now`: noted, resolved "never placed" once the policy is met, alert noted when due. */
export function afterNotFound(
  order: OrderRecord, state: Extract<SendState, { kind: 'unresolved' }>, now: number, policy: SettlePolicy,
): { readonly next: OrderRecord; readonly resolved: boolean; readonly alert: boolean } {
  const checks = [...state.checks, now];
  const resolved = checks.length >= policy.settleNotFoundChecks && now - state.settleFrom >= policy.settleWindowSeconds * 1000;
  const alert = !resolved && !state.alerted && now - state.sentAt >= policy.unresolvedAlertSeconds * 1000;
  const notes = [
    `${SEND_NOTE.notFound}${checks.length}`,
    ...(resolved ? [`${SEND_NOTE.neverPlaced}${checks.length} not-found answers over ${Math.round((now - state.settleFrom) / 1000)} s`] : []),
    ...(alert ? [SEND_NOTE.alerted] : []),
  ];
  const entries = notes.map((note) => ({ status: order.status, at: now, note }));
  return { next: { ...order, updatedAt: now, history: [...order.history, ...entries] }, resolved, alert };
}

/** The last time a send of this order was claimed or answered (settle bookkeeping notes excluded), epoch ms. */
export function lastSendActivity(order: OrderRecord): number {
  const bookkeeping = [SEND_NOTE.notFound, SEND_NOTE.neverPlaced, SEND_NOTE.alerted];
  return order.history.findLast((e) => !bookkeeping.some((p) => has(e, p)))?.at ?? order.updatedAt;
}
