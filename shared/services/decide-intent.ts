import type { Decision } from '../domain/decision.js';
import { decide } from '../domain/decide.js';
import { ContentionError, StateUnreadableError } from '../domain/errors.js';
import type { Intent } from '../domain/intent.js';
import { effectiveStatus, lastResetAt, type KillSwitchState, type KillSwitchStatus } from '../domain/kill-switch.js';
import { killSwitchTrigger } from '../domain/kill-switch-triggers.js';
import { release, reserve, valuation, type Ledger } from '../domain/ledger.js';
import { dec, type Decimal } from '../domain/money.js';
import { orderIdFor, type TradingMode } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { Alerts, Clock, Exchange, MarketDataStore, OrderQueue, PolicyStore, StateStore } from '../ports.js';
import { loadLedger, marksFor } from './portfolio.js';
import { tripKillSwitchNow, type KillSwitchDeps } from './trip-kill-switch.js';
import type { Timeframe } from '../domain/candle.js';
import { circuitState, claimProbe } from '../domain/circuit-breaker.js';
import { atr } from '../domain/indicators.js';
import type { CircuitState } from '../domain/exchange-health.js';
import { HEARTBEAT_SOURCE } from '../resources.js';
import { signalScope } from '../domain/signal-scope.js';
import { marketRegimeView } from './market-regime.js';
import { canaryStakeCap } from '../domain/readiness-canary.js';
import { slicedDecision } from './slice-decision.js';

/** Ports the risk decision needs. */
export interface RiskDeps {
  readonly clock: Clock;
  readonly market: MarketDataStore;
  readonly policies: PolicyStore;
  readonly state: StateStore;
  readonly orders: OrderQueue;
  readonly alerts: Alerts;
  /** The venue whose market rules apply (paper or live, by policy mode). */
  readonly exchangeFor: (policy: Policy, mode?: TradingMode) => Exchange;
  /** Where a trip at decision time sends LIVE entry cancels (execution holds the exchange keys; this function does not). */
  readonly cancels?: KillSwitchDeps['cancels'];
}

const MAX_ATTEMPTS = 8;

/**
 * Judges one intent under the policy in force, reserving its notional in the ledger with a
 * conditional write (so concurrent decisions cannot together exceed a portfolio limit),
 * records the decision, and sends an approved order to orders.fifo. Idempotent per intent:
 * a redelivered intent gets the stored decision and its order is re-sent (deduplicated by order id).
 * The intent is judged by the side it carries (a buy is an entry, a sell an exit), whatever its kind says.
 */
export async function decideIntent(deps: RiskDeps, sent: Intent): Promise<Decision> {
  const intent = kindFromSide(sent);
  const existing = await deps.state.getDecision(intent.intentId);
  if (existing) return send(deps, existing);
  const loaded = await deps.policies.load();
  const { policy } = loaded;
  const now = deps.clock.now();
  const base = { intent, policy, now, policyHash: loaded.hash, policyVersion: loaded.version };
  let decision: Decision | undefined = intent.kind === 'entry' ? notTraded(base) : undefined;
  if (decision) return send(deps, await deps.state.putDecision(decision));
  try {
    const market = await deps.exchangeFor(policy).loadMarket(intent.symbol);
    const book = await deps.market.getTopOfBook(intent.symbol);
    const price = book ? dec(intent.side === 'buy' ? book.ask : book.bid) : undefined;
    const view = await marketView(deps, policy, intent, now);
    const circuit = intent.kind === 'entry' ? await circuitFor(deps, policy, now) : undefined;
    const canary = canaryStakeCap(policy, loaded.liveSince, now);
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !decision; attempt++) {
      const stored = await loadLedger(deps.state, policy, now);
      const ks = await deps.state.getKillSwitch();
      if (!price) { decision = rejectWith(base, 'NO_MARKET_PRICE', `no top of book for ${intent.symbol}`); break; }
      const marks = await marksFor(deps.market, stored.value);
      let killSwitch = effectiveStatus(ks?.value, now);
      if (killSwitch === 'ARMED' && intent.kind === 'entry') killSwitch = await tripIfDue(deps, policy, stored.value, marks, ks?.value, now);
      const out = decide({
        ...base, ledger: stored.value, killSwitch, market, price, marks, ...view, ...(circuit ? { circuit } : {}), ...(canary ? { canaryStakeCap: canary } : {}),
        ...(book ? { book: { bid: dec(book.bid), ask: dec(book.ask) } } : {}),
      });
      const own = orderIdFor(intent.intentId);
      const next = out.reservation ? reserve(stored.value, out.reservation)
        : stored.value.reservations[own] ? release(stored.value, own) : undefined;
      if (!next || next === stored.value || (await deps.state.putLedger(next, stored.version))) decision = await slicedDecision(deps.market, policy, out.decision, market, now);
    }
  } catch (error) {
    if (!(error instanceof StateUnreadableError)) throw error;
    decision = rejectWith(base, 'STATE_UNREADABLE', error.message);
    await deps.alerts.publish({ severity: 'critical', kind: 'STATE_UNREADABLE', at: now, title: 'State unreadable: new orders stopped', message: error.message });
  }
  if (!decision) throw new ContentionError(`ledger (intent ${intent.intentId})`);
  return send(deps, await deps.state.putDecision(decision));
}

/** Long-only: the kind follows the side, so a buy labelled 'exit' is judged (and ordered) as the entry it is. */
function kindFromSide(intent: Intent): Intent {
  const kind = intent.side === 'buy' ? 'entry' : 'exit';
  return intent.kind === kind ? intent : { ...intent, kind };
}

/**
 * The kill switch's automatic triggers, checked again at decision time: the metrics cycle runs once a
 * minute, and an entry must not slip out between the losing trade (or error burst) that crossed a limit
 * and that cycle. A due trigger trips the switch here (alert, cancel sweep) and the entry is refused.
 */
async function tripIfDue(
  deps: RiskDeps, policy: Policy, ledger: Ledger, marks: Record<string, Decimal>, ks: KillSwitchState | undefined, now: number,
): Promise<KillSwitchStatus> {
  const v = valuation(ledger, marks);
  const health = await deps.state.getExchangeHealth();
  const trip = killSwitchTrigger({
    ledger, equity: v.equity, drawdownPct: v.drawdownPct, policy, now, resetAt: lastResetAt(ks), ...(health ? { health: health.value } : {}),
  });
  if (!trip) return 'ARMED';
  const out = await tripKillSwitchNow(deps, { reason: trip.reason, by: 'risk', code: trip.code });
  return effectiveStatus(out.state, now);
}

/** What the market-quality guards, volatility sizing and the regime gate read: heartbeat age, the last closed candles, the regime. */
async function marketView(deps: RiskDeps, policy: Policy, intent: Intent, now: number) {
  const heartbeat = await deps.market.getHeartbeat(HEARTBEAT_SOURCE);
  const candles = await deps.market.getRecentClosedCandles(intent.symbol, policy.timeframe as Timeframe, now, policy.risk.atrPeriod + 1);
  const last = candles.at(-1);
  const volatility = policy.risk.sizing === 'volatility-target' ? atr(candles, policy.risk.atrPeriod) : undefined;
  const regime = intent.kind === 'entry' ? await marketRegimeView(deps.market, policy, intent.symbol, now) : {};
  return {
    ...(regime.regime === undefined ? {} : { regime: regime.regime }), ...(regime.unknown === undefined ? {} : { regimeUnknown: regime.unknown }),
    ...(heartbeat ? { heartbeatAgeMs: Math.max(0, now - heartbeat.time) } : {}),
    ...(last ? { lastClose: dec(last.close) } : {}),
    ...(volatility !== undefined && Number.isFinite(volatility) ? { atr: dec(volatility) } : {}),
  };
}

/**
 * The breaker's state for an entry. Half-open lets exactly one probe through: the decision that
 * wins the conditional claim on the health item sees 'half-open'; every other one sees 'open'.
 */
async function circuitFor(deps: RiskDeps, policy: Policy, now: number): Promise<CircuitState> {
  const health = await deps.state.getExchangeHealth();
  const state = circuitState(health?.value, now, policy);
  if (state !== 'half-open') return state;
  const claimed = claimProbe(health?.value, now, policy);
  return claimed && (await deps.state.putExchangeHealth(claimed, health?.version ?? 0)) ? 'half-open' : 'open';
}

async function send(deps: RiskDeps, decision: Decision): Promise<Decision> {
  if (decision.approved && decision.order) {
    await deps.orders.send([{ body: decision.order, groupId: decision.symbol, deduplicationId: decision.order.orderId }]);
  }
  return decision;
}

/**
 * An entry the policy in force does not trade (a signal sent before the policy dropped its symbol or strategy, or a
 * message nobody's policy made): no enabled strategy of that name runs on the symbol. Refused before anything is read.
 */
function notTraded(b: Parameters<typeof rejectWith>[0]): Decision | undefined {
  const { intent, policy } = b;
  const runs = signalScope(policy, []).strategiesOn(intent.symbol).some((i) => policy.strategies[i]!.name === intent.strategy);
  return runs ? undefined
    : rejectWith(b, 'SYMBOL_NOT_TRADED', `no enabled strategy ${intent.strategy} trades ${intent.symbol} under the policy in force`);
}

function rejectWith(
  b: { intent: Intent; policy: Policy; now: number; policyHash: string; policyVersion: number },
  code: 'NO_MARKET_PRICE' | 'STATE_UNREADABLE' | 'SYMBOL_NOT_TRADED', message: string,
): Decision {
  const { intent } = b;
  return {
    intentId: intent.intentId, strategy: intent.strategy, symbol: intent.symbol, side: intent.side, kind: intent.kind,
    approved: false, reasons: [{ code, message }], mode: b.policy.mode, policyHash: b.policyHash,
    policyVersion: b.policyVersion, decidedAt: b.now,
  };
}
