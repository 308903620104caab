import { closeTime, timeframeMs, type Timeframe } from '../domain/candle.js';
import { exitSignal, RISK_EXIT_STRATEGY, type ExitSignal } from '../domain/exits.js';
import type { Intent } from '../domain/intent.js';
import type { Position } from '../domain/ledger.js';
import { dec } from '../domain/money.js';
import type { LoadedPolicy } from '../domain/policy.js';
import { getStrategy, makeIntent } from '../domain/strategy.js';
import type { Alerts, Clock, MarketDataStore, PolicyStore, SignalQueue, StateStore } from '../ports.js';
import { HEARTBEAT_SOURCE } from '../resources.js';
import { alertPolicyRejection } from './policy-alerts.js';

/** Ports the signal cycle needs. */
export interface SignalDeps {
  readonly clock: Clock;
  readonly market: MarketDataStore;
  readonly policies: PolicyStore;
  readonly state: StateStore;
  readonly signals: SignalQueue;
  readonly alerts: Alerts;
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
  /** Risk exits due this cycle (stop-loss, take-profit, ...), each also among `intents`. */
  readonly riskExits: readonly { readonly symbol: string; readonly reason: ExitSignal['reason']; readonly message: string }[];
}

type Skip = { symbol: string; strategy: string; reason: string };

/**
 * First checks every held position of the policy's symbols for a risk exit (exits.ts) on the close of
 * the latest closed candle; a due exit becomes an exit intent of strategy 'risk-exit' whose reason is
 * the exit code, and no strategy is run on that symbol this cycle. Then runs every enabled strategy on
 * the closed candles of each of its symbols. Intents go to signals.fifo (group = symbol, dedup =
 * intent id). Entries are suppressed while market data is stale; exits still go out.
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
  const marketStale = await isStale(deps.market, now, policy.marketQuality.staleDataSeconds * 1000);
  if (marketStale) {
    await deps.alerts.publish({
      severity: 'warning', kind: 'MARKET_DATA_STALE', at: now, title: 'Market data is stale: no new entries',
      message: `No fresh heartbeat from ${HEARTBEAT_SOURCE} within ${policy.marketQuality.staleDataSeconds}s; entries suppressed, exits allowed.`,
    });
  }
  const latestClose = Math.floor(now / timeframeMs(tf)) * timeframeMs(tf);
  const skipped: Skip[] = [];
  const riskExits = await dueExits(deps, loaded, positions, latestClose, skipped);
  const intents: Intent[] = riskExits.map((e) => e.intent);
  const exiting = new Map(riskExits.map((e) => [e.symbol, e.reason]));
  let evaluated = 0;
  for (const cfg of policy.strategies.filter((s) => s.enabled)) {
    const strategy = getStrategy(cfg.name);
    const needed = strategy.requiredCandles(cfg.params);
    for (const symbol of cfg.symbols ?? policy.symbols) {
      const exit = exiting.get(symbol);
      if (exit) { skipped.push({ symbol, strategy: cfg.name, reason: `superseded by risk exit ${exit}` }); continue; }
      const candles = await deps.market.getRecentClosedCandles(symbol, tf, now, needed);
      const last = candles.at(-1);
      if (candles.length < needed || !last) { skipped.push({ symbol, strategy: cfg.name, reason: `have ${candles.length}/${needed} closed candles` }); continue; }
      if (last.openTime + timeframeMs(tf) !== latestClose) { skipped.push({ symbol, strategy: cfg.name, reason: 'latest closed candle missing' }); continue; }
      evaluated++;
      const signal = strategy.evaluate({ candles, holding: holdings.has(symbol), params: cfg.params });
      if (!signal) continue;
      if (signal.kind === 'entry' && marketStale) { skipped.push({ symbol, strategy: cfg.name, reason: 'entry suppressed: market data stale' }); continue; }
      intents.push(makeIntent(signal, cfg.name, symbol, last, now, loaded.hash, loaded.version));
    }
  }
  if (intents.length) {
    await deps.signals.send(intents.map((i) => ({ body: i, groupId: i.symbol, deduplicationId: i.intentId })));
  }
  return {
    at: now, policyHash: loaded.hash, evaluated, intents, skipped, marketStale,
    riskExits: riskExits.map(({ symbol, reason, message }) => ({ symbol, reason, message })),
  };
}

/** Risk exits due for the held positions of the policy's symbols, judged at the latest closed candle. */
async function dueExits(
  deps: SignalDeps, loaded: LoadedPolicy, positions: Readonly<Record<string, Position>>, latestClose: number, skipped: Skip[],
) {
  const { policy } = loaded;
  const tf = policy.timeframe as Timeframe;
  const now = deps.clock.now();
  const due: { symbol: string; reason: ExitSignal['reason']; message: string; intent: Intent }[] = [];
  for (const symbol of policy.symbols) {
    const position = positions[symbol];
    if (!position) continue;
    const [last] = await deps.market.getRecentClosedCandles(symbol, tf, now, 1);
    if (!last || closeTime(last) !== latestClose) { skipped.push({ symbol, strategy: RISK_EXIT_STRATEGY, reason: 'latest closed candle missing' }); continue; }
    const exit = exitSignal(position, dec(last.close), closeTime(last), policy);
    if (!exit) continue;
    const signal = { side: 'sell', kind: 'exit', score: exit.profitPct.toDecimalPlaces(4).toNumber(), reason: exit.reason } as const;
    const intent = makeIntent(signal, RISK_EXIT_STRATEGY, symbol, last, now, loaded.hash, loaded.version);
    due.push({ symbol, reason: exit.reason, message: exit.message, intent });
  }
  return due;
}

async function isStale(market: MarketDataStore, now: number, maxAgeMs: number): Promise<boolean> {
  const hb = await market.getHeartbeat(HEARTBEAT_SOURCE);
  return !hb || now - hb.time > maxAgeMs;
}

