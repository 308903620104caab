/**
 * The live runner's market side and its guards: the same market-stream service the Fargate container runs, over
 * ccxt.pro websockets with REST backfill (public data, no keys), and the policy the session trades under, PAPER only.
 */
import { CcxtCandleFetcher } from '../adapters/ccxt-backfill.js';
import {
  CcxtMarketSource, createProExchange, pointProExchange, type CcxtMarketSourceOptions, type ProEndpoints,
} from '../adapters/ccxt-market-source.js';
import type { Timeframe } from '../domain/candle.js';
import { StratusError } from '../domain/errors.js';
import type { LoadedPolicy, Policy } from '../domain/policy.js';
import { getStrategy } from '../domain/strategy.js';
import type { Clock, MarketDataStore } from '../ports.js';
import { regimeWarmup } from '../domain/regime-policy.js';
import type { Deps } from '../runtime/deps.js';
import { createMarketStream, type MarketStream } from '../services/stream-market.js';

/** Symbols a first live start trades when neither --symbols nor a policy file names them. */
export const LIVE_DEFAULT_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] as const;

/** The live runner refuses what would send a real order: a LIVE policy, or a LIVE venue asked for by an order. */
export class PaperOnlyError extends StratusError {
  override readonly name = 'PaperOnlyError';
  constructor(message: string) {
    super('LIVE_RUN_PAPER_ONLY', message, false);
  }
}

/** What the session asks for: a policy document and/or symbols (both absent on a plain restart). */
export interface PolicyRequest {
  readonly policy?: Record<string, unknown>;
  readonly symbols?: readonly string[];
}

/**
 * The policy the session runs under. A first start writes `{ ...policy, symbols }` (default symbols when none given);
 * a restart keeps the stored policy unless a document or symbols are given, which are then written as the next version.
 * Throws PaperOnlyError when the result is LIVE: this runner only paper-trades.
 */
export async function settlePolicy(deps: Pick<Deps, 'policies'>, request: PolicyRequest, at: number): Promise<LoadedPolicy & { written: boolean }> {
  const stored = await deps.policies.load();
  const asked = request.policy !== undefined || request.symbols !== undefined;
  let written = false;
  if (stored.source === 'default' || asked) {
    const symbols = request.symbols ?? (request.policy?.['symbols'] as string[] | undefined)
      ?? (stored.source === 'default' ? [...LIVE_DEFAULT_SYMBOLS] : stored.policy.symbols);
    await deps.policies.write({ ...(request.policy ?? {}), symbols }, { by: 'stratus start --live', at });
    written = true;
  }
  const loaded = written ? await deps.policies.load() : stored;
  if (loaded.rejected) throw new PaperOnlyError(`the policy written is invalid: ${loaded.rejected.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  if (loaded.policy.mode === 'LIVE') throw new PaperOnlyError('stratus start --live paper-trades on live data only: the policy in force has mode LIVE');
  return { ...loaded, written };
}

/** The most closed candles any enabled strategy of the policy, or the regime gate when on, needs before it can signal (or gate). */
export function warmupOf(policy: Pick<Policy, 'strategies'> & { readonly regime?: Policy['regime'] }): number {
  return Math.max(regimeWarmup(policy.regime), ...policy.strategies.filter((s) => s.enabled).map((s) => getStrategy(s.name).requiredCandles(s.params)));
}

/** deps.exchangeFor that never hands out the LIVE venue (the one that would sign and send orders). */
export function paperOnly(exchangeFor: Deps['exchangeFor']): Deps['exchangeFor'] {
  return (policy, mode = policy.mode) => {
    if (mode === 'LIVE') throw new PaperOnlyError('stratus start --live never sends an order to the exchange (a LIVE venue was asked for)');
    return exchangeFor(policy, mode);
  };
}

/** How the market stream is fed: exchange id, optional endpoints (a loopback fake, a proxy) and watch-loop tuning. */
export interface LiveMarketOptions {
  readonly exchange: string;
  readonly endpoints?: ProEndpoints;
  readonly source?: Pick<CcxtMarketSourceOptions, 'backoff' | 'stall'>;
  readonly clock: Clock;
  readonly store: MarketDataStore;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** Candles fetched back from now for a symbol with none stored: at least every enabled strategy's warm-up. */
  readonly warmup: number;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
}

/** The market stream on ccxt.pro (websocket candles and best bid/ask) with REST backfill; a reconnect backfills. */
export async function liveMarketStream(o: LiveMarketOptions): Promise<{ stream: MarketStream; source: CcxtMarketSource }> {
  const exchange = createProExchange(o.exchange);
  await pointProExchange(exchange, o.endpoints ?? {});
  let resync: (symbols: readonly string[]) => void = () => undefined;
  const source = new CcxtMarketSource({
    exchange, clock: o.clock, ...o.source,
    onError: (error, context) => o.onError(error, { op: 'watch', ...context }),
    onReconnected: (symbols) => resync(symbols),
  });
  const stream = createMarketStream({
    source, store: o.store, clock: o.clock, timeframe: o.timeframe, symbols: o.symbols, heartbeatEveryMs: 5_000, realTime: true,
    backfill: { fetcher: new CcxtCandleFetcher(exchange), initialCandles: Math.max(1_000, o.warmup) },
    onError: (error, context) => o.onError(error, context),
  });
  resync = (symbols) => { void stream.resync(symbols).catch((error: unknown) => o.onError(error, { op: 'resync' })); };
  return { stream, source };
}
