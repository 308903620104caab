import { closeTime, type Candle } from '../domain/candle.js';
import { decide } from '../domain/decide.js';
import { exitSignal, RISK_EXIT_STRATEGY } from '../domain/exits.js';
import { atr } from '../domain/indicators.js';
import type { Intent } from '../domain/intent.js';
import { effectiveStatus } from '../domain/kill-switch.js';
import { reserve } from '../domain/ledger.js';
import type { RiskGuard } from '../domain/risk/guard.js';
import type { MarketInfo } from '../domain/market.js';
import { dec, type Decimal } from '../domain/money.js';
import type { Policy } from '../domain/policy.js';
import { signalScope, type SignalScope } from '../domain/signal-scope.js';
import { getStrategy, makeIntent, type StrategySignal } from '../domain/strategy.js';
import { backtestRegime, backtestRegimeUnknown, countRegimeReduced } from './regime-gate.js';
import { count, type SimState } from './sim-state.js';
import { slicedOrder } from './slice-fills.js';

/** What one symbol's decision at a candle close needs. */
export interface DecisionStep {
  readonly symbol: string;
  /** The candle that just closed (the newest in state.seen for the symbol). */
  readonly last: Candle;
  /** Price at the close: the next candle's open when it opens right then, else this close (book bid = ask). */
  readonly price: Decimal;
  readonly marks: Readonly<Record<string, Decimal>>;
  readonly market: MarketInfo;
  readonly policy: Policy;
  readonly policyHash: string;
}

/**
 * The engine's screens (screens.ts, Strategy.screen): `exit` false when no risk exit can be due, `strategy`
 * false when that strategy (index into policy.strategies) certainly returns no signal. Absent: run everything.
 */
export interface SignalGate {
  readonly exit: boolean;
  strategy(index: number, holding: boolean): boolean;
}

/** A signal of the cycle and the strategy it is made under, before its intent (and its id) is built. */
export interface SignalAt {
  readonly signal: StrategySignal;
  readonly strategy: string;
}

/**
 * The signal cycle for one symbol at its candle's close, as evaluate-signals does it: a due risk exit
 * (exits.ts) of a held position first, listed or not, superseding the strategies; else the enabled
 * strategies the scope runs on the symbol (none on a held symbol the policy no longer lists), on the
 * closed candles seen so far. Returns the intents, in policy order. Pass the engine's scope to save rebuilding it.
 */
export function intentsAt(
  state: SimState, s: Omit<DecisionStep, 'price' | 'marks' | 'market'>, gate?: SignalGate,
  scope: SignalScope = signalScope(s.policy, Object.keys(state.ledger.positions)),
): Intent[] {
  return signalsAt(state, s, gate, scope).map((x) => intentOf(x, s));
}

/** The intent of a signal of signalsAt (makeIntent: its id hashes strategy, symbol, side and close time). */
export function intentOf(x: SignalAt, s: Pick<DecisionStep, 'symbol' | 'last' | 'policyHash'>): Intent {
  return makeIntent(x.signal, x.strategy, s.symbol, s.last, closeTime(s.last), s.policyHash, 0);
}

/** intentsAt's signals, in the same order, without building the intents. */
export function signalsAt(
  state: SimState, s: Omit<DecisionStep, 'price' | 'marks' | 'market'>, gate: SignalGate | undefined, scope: SignalScope,
): SignalAt[] {
  const { symbol, last, policy } = s;
  const now = closeTime(last);
  const position = state.ledger.positions[symbol];
  if (position && (gate?.exit ?? true)) {
    const exit = exitSignal(position, dec(last.close), now, policy);
    if (exit) {
      const signal = { side: 'sell', kind: 'exit', score: exit.profitPct.toDecimalPlaces(4).toNumber(), reason: exit.reason } as const;
      return [{ signal, strategy: RISK_EXIT_STRATEGY }];
    }
  }
  const seen = state.seen.get(symbol) ?? [];
  const out: SignalAt[] = [];
  for (const index of scope.strategiesOn(symbol)) {
    const cfg = policy.strategies[index]!;
    if (gate && !gate.strategy(index, position !== undefined)) continue;
    const strategy = getStrategy(cfg.name);
    const needed = strategy.requiredCandles(cfg.params);
    if (seen.length < needed) continue;
    const signal = strategy.evaluate({ candles: seen.slice(-needed), holding: position !== undefined, params: cfg.params });
    if (signal) out.push({ signal, strategy: cfg.name });
  }
  return out;
}

/**
 * Judges an intent with the live risk chain (decide.ts), the RiskContext built as decide-intent builds it
 * (ledger, effective kill switch status, marks, book, lastClose, ATR for volatility sizing, the regime of an
 * entry (regime-gate.ts), heartbeat age 0, breaker closed). An approval reserves in the ledger and queues the order for the next open; a
 * rejection counts each of its reason codes. `guards` replaces the policy's chain (the engine passes none when
 * its screen proved every guard passes).
 */
export function decideAt(state: SimState, intent: Intent, s: DecisionStep, guards?: readonly RiskGuard[]): void {
  const { policy, price, last } = s;
  const now = closeTime(last);
  const window = (state.seen.get(s.symbol) ?? []).slice(-(policy.risk.atrPeriod + 1));
  const volatility = policy.risk.sizing === 'volatility-target' ? atr(window, policy.risk.atrPeriod) : undefined;
  const regime = intent.side === 'buy' ? backtestRegime(state, s.symbol, policy) : undefined;
  const regimeUnknown = intent.side === 'buy' ? backtestRegimeUnknown(state, s.symbol, policy) : undefined;
  const out = decide({
    intent, policy, now, policyHash: s.policyHash, policyVersion: 0, ledger: state.ledger,
    killSwitch: effectiveStatus(state.killSwitch, now), market: s.market, price, marks: s.marks,
    heartbeatAgeMs: 0, lastClose: dec(last.close), book: { bid: price, ask: price },
    ...(volatility !== undefined && Number.isFinite(volatility) ? { atr: dec(volatility) } : {}),
    ...(intent.kind === 'entry' ? { circuit: 'closed' as const } : {}),
    ...(regime === undefined ? {} : { regime }), ...(regimeUnknown === undefined ? {} : { regimeUnknown }),
  }, guards);
  if (out.reservation && out.decision.order) {
    if (regime !== undefined) countRegimeReduced(state, policy, intent.strategy, regime);
    state.ledger = reserve(state.ledger, out.reservation);
    state.pending.push({ order: slicedOrder(policy, out.decision.order, state.seen.get(s.symbol), s.market), decidedAt: now });
    return;
  }
  for (const r of out.decision.reasons) count(state.rejections, r.code);
}
