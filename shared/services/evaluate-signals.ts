import { closeTime, timeframeMs, type Timeframe } from '../domain/candle.js';
import { exitSignal, RISK_EXIT_STRATEGY, type ExitSignal } from '../domain/exits.js';
import type { Intent } from '../domain/intent.js';
import { capIntents } from '../domain/intent-cap.js';
import type { Position } from '../domain/ledger.js';
import { dec } from '../domain/money.js';
import type { LoadedPolicy } from '../domain/policy.js';
import { signalScope, type SignalScope } from '../domain/signal-scope.js';
import { getStrategy, makeIntent } from '../domain/strategy.js';
import type { Alerts, Clock, MarketDataStore, PolicyStore, SignalQueue, StateStore } from '../ports.js';
import { HEARTBEAT_SOURCE } from '../resources.js';
import { alertPolicyRejection } from './policy-alerts.js';
import type { CandleFetcher } from './stream-backfill.js';
import { viewMarketData, type MarketDataView } from './stream-freshness.js';

/** Ports the signal cycle needs. */
export interface SignalDeps {
  readonly clock: Clock;
  readonly market: MarketDataStore;
  readonly policies: PolicyStore;
  readonly state: StateStore;
  readonly signals: SignalQueue;
  readonly alerts: Alerts;
  /** REST candles by exchange id, for degraded mode (stream down past marketQuality.degradedAfterSeconds). Without it the cycle reads the market table only. */
  readonly candleFetcherFor?: (exchangeId: string) => CandleFetcher;
}

/** What one signal cycle did. */
export interface SignalCycle {
  readonly at: number;
  readonly policyHash: string;
  readonly evaluated: number;
  readonly intents: readonly Intent[];
  /** Symbol/strategy pairs not evaluated, with why (missing candles, stale data ...). */
  readonly skipped: readonly { readonly symbol: string; readonly strategy: string; readonly reason: string }[];
  readonly marketStale: boolean;
  /** The stream is down past degradedAfterSeconds (or never wrote a heartbeat): degraded mode. */
  readonly degraded: boolean;
  /** Where this cycle's candles came from: the market table, or the exchange's REST klines in degraded mode. */
  readonly candleSource: MarketDataView['candleSource'];
  /** Risk exits due this cycle (stop-loss, take-profit, ...), each also among `intents`. */
  readonly riskExits: readonly { readonly symbol: string; readonly reason: ExitSignal['reason']; readonly message: string }[];
  /** Entry intents over signals.maxIntentsPerCycle, not sent (lowest score, then highest intent id, first to go). */
  readonly dropped: readonly { readonly intentId: string; readonly symbol: string; readonly strategy: string; readonly score: number }[];
}

type Skip = { symbol: string; strategy: string; reason: string };

/**
 * First checks every held position, listed by the policy or not (signal-scope.ts), for a risk exit (exits.ts)
 * under the policy's exits on the close of the latest closed candle; a due exit becomes an exit intent of
 * strategy 'risk-exit' whose reason is the exit code, and no strategy is run on that symbol this cycle. Then
 * runs every enabled strategy on the closed candles of each of its listed symbols (a held symbol the policy
 * dropped gets no strategy, so no entry). Intents go to signals.fifo (group = symbol, dedup =
 * intent id). Entries are suppressed while market data is stale; exits still go out. In degraded mode (stream
 * down past degradedAfterSeconds) candles are read by REST through deps.candleFetcherFor, so exits keep working.
 */
export async function evaluateSignals(deps: SignalDeps): Promise<SignalCycle> {
  const now = deps.clock.now();
  const loaded = await deps.policies.load();
  await alertPolicyRejection(deps.alerts, loaded, now);
  const { policy } = loaded;
  const tf = policy.timeframe as Timeframe;
  const ledger = await deps.state.getLedger();
  const positions = ledger?.value.positions ?? {};
  const holdings = new Set(Object.keys(positions));
  const fetcherFor = deps.candleFetcherFor;
  const view = await viewMarketData(deps.market, fetcherFor && (() => fetcherFor(policy.exchange.id)), policy.marketQuality, now);
  const marketStale = view.stale;
  if (marketStale) await alertStale(deps.alerts, view, policy.marketQuality, now);
  else await deps.alerts.resolve('MARKET_DATA_STALE', undefined, now);
  const latestClose = Math.floor(now / timeframeMs(tf)) * timeframeMs(tf);
  const skipped: Skip[] = [];
  const scope = signalScope(policy, holdings);
  await prefetchCandles(view, policy, scope, holdings, tf, now);
  const riskExits = await dueExits(deps, view, loaded, scope, positions, latestClose, skipped);
  const intents: Intent[] = riskExits.map((e) => e.intent);
  const exiting = new Map(riskExits.map((e) => [e.symbol, e.reason]));
  let evaluated = 0;
  for (const [index, cfg] of policy.strategies.entries()) {
    if (!cfg.enabled) continue;
    const strategy = getStrategy(cfg.name);
    const needed = strategy.requiredCandles(cfg.params);
    for (const symbol of scope.symbolsOf(index)) {
      const exit = exiting.get(symbol);
      if (exit) { skipped.push({ symbol, strategy: cfg.name, reason: `superseded by risk exit ${exit}` }); continue; }
      const candles = await view.getRecentClosedCandles(symbol, tf, now, needed);
      const last = candles.at(-1);
      if (candles.length < needed || !last) { skipped.push({ symbol, strategy: cfg.name, reason: unavailable(view, symbol) ?? `have ${candles.length}/${needed} closed candles` }); continue; }
      if (last.openTime + timeframeMs(tf) !== latestClose) { skipped.push({ symbol, strategy: cfg.name, reason: 'latest closed candle missing' }); continue; }
      evaluated++;
      let signal;
      try {
        signal = strategy.evaluate({ candles, holding: holdings.has(symbol), params: cfg.params });
      } catch (error) {
        // One broken strategy (a throw, an invalid signal) must not cost the cycle its risk exits or the other strategies.
        skipped.push({ symbol, strategy: cfg.name, reason: `strategy failed: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      if (!signal) continue;
      if (signal.kind === 'entry' && marketStale) { skipped.push({ symbol, strategy: cfg.name, reason: 'entry suppressed: market data stale' }); continue; }
      intents.push(makeIntent(signal, cfg.name, symbol, last, now, loaded.hash, loaded.version));
    }
  }
  const { kept, dropped } = capIntents(intents, policy.signals.maxIntentsPerCycle);
  if (kept.length) {
    await deps.signals.send(kept.map((i) => ({ body: i, groupId: i.symbol, deduplicationId: i.intentId })));
  }
  return {
    at: now, policyHash: loaded.hash, evaluated, intents: kept, skipped,
    dropped: dropped.map(({ intentId, symbol, strategy, score }) => ({ intentId, symbol, strategy, score })), marketStale, degraded: view.degraded, candleSource: view.candleSource,
    riskExits: riskExits.map(({ symbol, reason, message }) => ({ symbol, reason, message })),
  };
}

/** One read of every candle this cycle needs (each strategy's symbols, held symbols' exit checks), where the store can batch it. */
async function prefetchCandles(view: MarketDataView, policy: LoadedPolicy['policy'], scope: SignalScope, holdings: ReadonlySet<string>, tf: Timeframe, now: number) {
  const symbols = new Set(scope.symbols.filter((s) => holdings.has(s)));
  let count = symbols.size ? 1 : 0;
  for (const [index, cfg] of policy.strategies.entries()) {
    if (!cfg.enabled) continue;
    count = Math.max(count, getStrategy(cfg.name).requiredCandles(cfg.params));
    for (const symbol of scope.symbolsOf(index)) symbols.add(symbol);
  }
  await view.prefetch([...symbols], tf, now, count);
}

/** Risk exits due for every held position in the scope (listed or not), judged at the latest closed candle. */
async function dueExits(
  deps: SignalDeps, view: MarketDataView, loaded: LoadedPolicy, scope: SignalScope, positions: Readonly<Record<string, Position>>,
  latestClose: number, skipped: Skip[],
) {
  const { policy } = loaded;
  const tf = policy.timeframe as Timeframe;
  const now = deps.clock.now();
  const due: { symbol: string; reason: ExitSignal['reason']; message: string; intent: Intent }[] = [];
  for (const symbol of scope.symbols) {
    const position = positions[symbol];
    if (!position) continue;
    const [last] = await view.getRecentClosedCandles(symbol, tf, now, 1);
    if (!last || closeTime(last) !== latestClose) { skipped.push({ symbol, strategy: RISK_EXIT_STRATEGY, reason: unavailable(view, symbol) ?? 'latest closed candle missing' }); continue; }
    const exit = exitSignal(position, dec(last.close), closeTime(last), policy);
    if (!exit) continue;
    const signal = { side: 'sell', kind: 'exit', score: exit.profitPct.toDecimalPlaces(4).toNumber(), reason: exit.reason } as const;
    const intent = makeIntent(signal, RISK_EXIT_STRATEGY, symbol, last, now, loaded.hash, loaded.version);
    due.push({ symbol, reason: exit.reason, message: exit.message, intent });
  }
  return due;
}

/** MARKET_DATA_STALE: a warning while the data is stale, critical once the stream is down past degradedAfterSeconds. */
async function alertStale(alerts: Alerts, view: MarketDataView, limits: LoadedPolicy['policy']['marketQuality'], now: number): Promise<void> {
  const age = view.heartbeatAgeMs === undefined ? 'no heartbeat' : `last heartbeat ${Math.round(view.heartbeatAgeMs / 1000)}s ago`;
  const degraded = view.degraded
    ? ` Down past degradedAfterSeconds (${limits.degradedAfterSeconds}s): degraded mode, candles ${view.candleSource === 'rest' ? 'read by REST' : 'from the market table only (no REST fetcher)'}.`
    : '';
  await alerts.publish({
    severity: view.degraded ? 'critical' : 'warning', kind: 'MARKET_DATA_STALE', at: now,
    title: view.degraded ? 'Market stream down: degraded mode, no new entries' : 'Market data is stale: no new entries',
    message: `No fresh heartbeat from ${HEARTBEAT_SOURCE} within ${limits.staleDataSeconds}s (${age}); entries suppressed, exits allowed.${degraded}`,
    details: { degraded: view.degraded, candleSource: view.candleSource, ...(view.heartbeatAgeMs === undefined ? {} : { heartbeatAgeMs: view.heartbeatAgeMs }) },
  });
}

/** The skip reason when a degraded-mode REST read of the symbol failed. */
function unavailable(view: MarketDataView, symbol: string): string | undefined {
  const failure = view.failure(symbol);
  return failure === undefined ? undefined : `degraded mode: REST candles unavailable (${failure})`;
}

