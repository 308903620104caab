import { beforeEach, describe, expect, it } from 'vitest';
import type { Candle, Timeframe } from '../../../shared/domain/candle.js';
import { RISK_EXIT_STRATEGY } from '../../../shared/domain/exits.js';
import { evaluateSignals } from '../../../shared/services/evaluate-signals.js';
import type { CandleFetcher } from '../../../shared/services/stream-backfill.js';
import {
  buildWorld, candlesEndingAt, editLedger, heartbeat, latestClose, ledgerHolding, M, setPolicy, trend, type World,
} from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';

/** The exchange's REST klines in memory: what the signal function reads in degraded mode. */
class FakeRest implements CandleFetcher {
  readonly calls: { exchangeId: string; symbol: string; from: number; to: number }[] = [];
  readonly candles: Candle[] = [];
  error: Error | undefined;
  constructor(private readonly exchangeId = 'binance') {}
  async fetchClosedCandles(symbol: string, _tf: Timeframe, from: number, to: number): Promise<Candle[]> {
    this.calls.push({ exchangeId: this.exchangeId, symbol, from, to });
    if (this.error) throw this.error;
    return this.candles.filter((c) => c.symbol === symbol && c.openTime >= from && c.openTime < to);
  }
}

let w: World;
let rest: FakeRest;
/** The world's ports plus a REST fetcher per exchange id (only binance has data). */
const withRest = () => ({ ...w, candleFetcherFor: (id: string) => (id === 'binance' ? rest : new FakeRest(id)) });

beforeEach(async () => {
  w = buildWorld();
  rest = new FakeRest();
  await setPolicy(w, { symbols: [BTC, ETH], strategies: [{ name: 'momentum', params: {} }] });
  // 0.1 BTC held at an average cost of 50 000: a close at 45 000 is the −10% stop-loss.
  await editLedger(w, () => ledgerHolding(BTC, '0.1', '5000', w.clock.now() - 60 * M));
});

describe('evaluateSignals in degraded mode (stream down past marketQuality.degradedAfterSeconds)', () => {
  it('reads candles by REST so a stop-loss exit still goes out, while entries stay suppressed and a critical alert says why', async () => {
    const close = latestClose(w.clock.now());
    rest.candles.push(...candlesEndingAt(BTC, [...trend(30, 0), 45_000], close), ...candlesEndingAt(ETH, trend(31, 0.0012, 3_000), close));
    await heartbeat(w, w.clock.now() - 601_000); // degradedAfterSeconds defaults to 600; the market table has no candles
    const cycle = await evaluateSignals(withRest());
    expect(cycle).toMatchObject({ marketStale: true, degraded: true, candleSource: 'rest' });
    expect(cycle.intents.map((i) => [i.symbol, i.strategy, i.reason])).toEqual([[BTC, RISK_EXIT_STRATEGY, 'stop-loss']]);
    expect(cycle.intents[0]).toMatchObject({ candleCloseTime: close, referencePrice: '45000' });
    expect(cycle.skipped).toContainEqual({ symbol: ETH, strategy: 'momentum', reason: 'entry suppressed: market data stale' });
    expect(w.signals.sent.map((m) => m.body.reason)).toEqual(['stop-loss']);
    const [alert] = w.alerts.ofKind('MARKET_DATA_STALE');
    expect(alert).toMatchObject({ severity: 'critical', details: { degraded: true, candleSource: 'rest', heartbeatAgeMs: 601_000 } });
    expect(alert!.message).toContain('degraded mode, candles read by REST');
  });

  it('asks REST only for candles that had closed, for the exchange the policy names, once per symbol and size', async () => {
    await heartbeat(w, w.clock.now() - 3_600_000);
    await evaluateSignals(withRest());
    const close = latestClose(w.clock.now());
    expect(rest.calls.every((c) => c.exchangeId === 'binance' && c.to === close)).toBe(true);
    expect(rest.calls.map((c) => [c.symbol, (c.to - c.from) / M])).toEqual([[BTC, 1], [BTC, 31], [ETH, 31]]);
  });

  it('records why a symbol was skipped when REST fails too, and still finishes the cycle', async () => {
    rest.error = new Error('EXCHANGE_UNAVAILABLE: 503');
    const cycle = await evaluateSignals(withRest()); // no heartbeat at all: down since who knows when
    expect(cycle).toMatchObject({ degraded: true, candleSource: 'rest', intents: [] });
    expect(cycle.skipped).toContainEqual({ symbol: BTC, strategy: RISK_EXIT_STRATEGY, reason: 'degraded mode: REST candles unavailable (EXCHANGE_UNAVAILABLE: 503)' });
    expect(cycle.skipped).toContainEqual({ symbol: ETH, strategy: 'momentum', reason: 'degraded mode: REST candles unavailable (EXCHANGE_UNAVAILABLE: 503)' });
    expect(w.alerts.ofKind('MARKET_DATA_STALE')).toHaveLength(1);
  });

  it('does not build the fetcher unless degraded, and survives one that cannot be built', async () => {
    const refusing = { ...w, candleFetcherFor: (id: string): CandleFetcher => { throw new Error(`exchange ${id} is not supported`); } };
    await heartbeat(w);
    expect((await evaluateSignals(refusing)).candleSource).toBe('store');
    w.clock.advance(3_600_000);
    const cycle = await evaluateSignals(refusing);
    expect(cycle.skipped).toContainEqual({ symbol: BTC, strategy: RISK_EXIT_STRATEGY, reason: 'degraded mode: REST candles unavailable (exchange binance is not supported)' });
  });

  it('skips a REST candle that is structurally impossible rather than exiting on it', async () => {
    const close = latestClose(w.clock.now());
    const candles = candlesEndingAt(BTC, [...trend(30, 0), 45_000], close);
    candles[candles.length - 1] = { ...candles.at(-1)!, close: Number.NaN };
    rest.candles.push(...candles);
    const cycle = await evaluateSignals(withRest());
    expect(cycle.intents).toEqual([]);
    expect(cycle.skipped).toContainEqual({ symbol: BTC, strategy: RISK_EXIT_STRATEGY, reason: 'latest closed candle missing' });
  });

  it('stays on the market table while only stale (not yet degraded): a warning, no REST call', async () => {
    await w.market.putCandles(candlesEndingAt(BTC, [...trend(30, 0), 45_000], latestClose(w.clock.now())));
    await heartbeat(w, w.clock.now() - 300_000);
    const cycle = await evaluateSignals(withRest());
    expect(cycle).toMatchObject({ marketStale: true, degraded: false, candleSource: 'store' });
    expect(cycle.intents.map((i) => i.reason)).toEqual(['stop-loss']);
    expect(rest.calls).toEqual([]);
    expect(w.alerts.ofKind('MARKET_DATA_STALE')[0]).toMatchObject({ severity: 'warning', details: { degraded: false, candleSource: 'store' } });
  });

  it('without a fetcher, flags degraded mode but reads the market table as before', async () => {
    await w.market.putCandles(candlesEndingAt(BTC, [...trend(30, 0), 45_000], latestClose(w.clock.now())));
    const cycle = await evaluateSignals(w);
    expect(cycle).toMatchObject({ degraded: true, candleSource: 'store' });
    expect(cycle.intents.map((i) => i.reason)).toEqual(['stop-loss']);
    expect(w.alerts.ofKind('MARKET_DATA_STALE')[0]!.message).toContain('market table only (no REST fetcher)');
  });

  it('is neither stale nor degraded with a fresh heartbeat', async () => {
    await heartbeat(w);
    const cycle = await evaluateSignals(withRest());
    expect(cycle).toMatchObject({ marketStale: false, degraded: false, candleSource: 'store' });
    expect(rest.calls).toEqual([]);
  });
});
