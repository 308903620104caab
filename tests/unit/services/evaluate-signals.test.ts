import { beforeEach, describe, expect, it } from 'vitest';
import { intentIdFor } from '../../../shared/domain/intent.js';
import { evaluateSignals } from '../../../shared/services/evaluate-signals.js';
import {
  buildWorld, editLedger, heartbeat, latestClose, ledgerHolding, M, seedSymbol, setPolicy, trend, type World,
} from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
const RISING = 0.0012;
const FALLING = -0.0012;

let w: World;
beforeEach(async () => {
  w = buildWorld();
  await setPolicy(w, { symbols: [BTC, ETH], strategies: [{ name: 'momentum', params: {} }] });
});

describe('evaluateSignals', () => {
  it('emits an entry intent once momentum crosses the entry threshold, grouped by symbol and deduplicated by intent id', async () => {
    // 31 flat candles, then 30 rising ones; all stored up front, the clock decides what has closed.
    const end = latestClose(w.clock.now()) + 30 * M;
    await seedSymbol(w, BTC, [...trend(31, 0), ...trend(31, RISING, 50_000).slice(1)], { lastClose: end });

    w.clock.t = end - 30 * M + 5_000; // window = the flat stretch only
    await heartbeat(w);
    const before = await evaluateSignals(w);
    expect(before.intents).toEqual([]);
    expect(before.evaluated).toBe(1);

    w.clock.t = end + 5_000; // window = the rising stretch only
    await heartbeat(w);
    const after = await evaluateSignals(w);
    expect(after.intents).toHaveLength(1);
    const intent = after.intents[0]!;
    expect(intent).toMatchObject({ symbol: BTC, side: 'buy', kind: 'entry', strategy: 'momentum', candleCloseTime: end });
    expect(intent.intentId).toBe(intentIdFor('momentum', BTC, 'buy', end));
    expect(intent.score).toBeGreaterThan(6);
    expect(w.signals.sent).toEqual([{ body: intent, groupId: BTC, deduplicationId: intent.intentId }]);
  });

  it('does not emit an entry on a flat (non-trending) series', async () => {
    await seedSymbol(w, BTC, trend(31, 0));
    await heartbeat(w);
    const cycle = await evaluateSignals(w);
    expect(cycle.evaluated).toBe(1);
    expect(cycle.intents).toEqual([]);
    expect(w.signals.attempts).toEqual([]);
  });

  it('yields the same intent id when the same candle is evaluated twice, so the queue keeps one message', async () => {
    await seedSymbol(w, BTC, trend(31, RISING));
    await heartbeat(w);
    const first = await evaluateSignals(w);
    w.clock.advance(20_000); // a retry of the same cycle, still before the next candle closes
    await heartbeat(w);
    const second = await evaluateSignals(w);
    expect(first.intents).toHaveLength(1);
    expect(second.intents.map((i) => i.intentId)).toEqual(first.intents.map((i) => i.intentId));
    expect(w.signals.attempts).toHaveLength(2);
    expect(w.signals.sent).toHaveLength(1);
  });

  it('skips a symbol whose latest closed candle is missing and still evaluates the others', async () => {
    const lastClose = latestClose(w.clock.now());
    await seedSymbol(w, BTC, trend(31, RISING), { lastClose: lastClose - M }); // the newest BTC candle never arrived
    await seedSymbol(w, ETH, trend(31, RISING, 3_000));
    await heartbeat(w);
    const cycle = await evaluateSignals(w);
    expect(cycle.skipped).toEqual([{ symbol: BTC, strategy: 'momentum', reason: 'latest closed candle missing' }]);
    expect(cycle.evaluated).toBe(1);
    expect(cycle.intents.map((i) => i.symbol)).toEqual([ETH]);
  });

  it('skips a symbol with too few closed candles for the strategy', async () => {
    await seedSymbol(w, BTC, trend(30, RISING)); // momentum's default lookback 30 needs 31
    await heartbeat(w);
    const cycle = await evaluateSignals(w);
    expect(cycle.skipped).toEqual(expect.arrayContaining([{ symbol: BTC, strategy: 'momentum', reason: 'have 30/31 closed candles' }]));
    expect(cycle.intents).toEqual([]);
  });

  it('suppresses entries but not exits while the heartbeat is stale, and publishes MARKET_DATA_STALE', async () => {
    await editLedger(w, () => ledgerHolding(ETH, '0.1', '300', w.clock.now()));
    await seedSymbol(w, BTC, trend(31, RISING));
    await seedSymbol(w, ETH, trend(31, FALLING, 3_000));
    await heartbeat(w, w.clock.now() - 181_000); // staleDataSeconds defaults to 180
    const cycle = await evaluateSignals(w);
    expect(cycle.marketStale).toBe(true);
    expect(cycle.intents.map((i) => [i.symbol, i.kind, i.side])).toEqual([[ETH, 'exit', 'sell']]);
    expect(cycle.skipped).toEqual([{ symbol: BTC, strategy: 'momentum', reason: 'entry suppressed: market data stale' }]);
    expect(w.signals.sent.map((m) => m.body.symbol)).toEqual([ETH]);
    expect(w.alerts.ofKind('MARKET_DATA_STALE')).toHaveLength(1);
    expect(w.alerts.ofKind('MARKET_DATA_STALE')[0]!.severity).toBe('warning');
  });

  it('treats a missing heartbeat as stale', async () => {
    await seedSymbol(w, BTC, trend(31, RISING));
    const cycle = await evaluateSignals(w);
    expect(cycle.marketStale).toBe(true);
    expect(cycle.intents).toEqual([]);
    expect(w.alerts.ofKind('MARKET_DATA_STALE')).toHaveLength(1);
  });

  it('lets entries out and stays quiet when the heartbeat is fresh', async () => {
    await seedSymbol(w, BTC, trend(31, RISING));
    await heartbeat(w, w.clock.now() - 179_000);
    const cycle = await evaluateSignals(w);
    expect(cycle.marketStale).toBe(false);
    expect(cycle.intents.map((i) => i.kind)).toEqual(['entry']);
    expect(w.alerts.published).toEqual([]);
  });

  it('alerts once when the active policy is rejected, not again on later cycles, and keeps the last valid policy', async () => {
    const valid = await w.policies.load();
    await w.policies.write({ symbols: [BTC], risk: { stakePct: 50 } }, { by: 'operator', at: w.clock.now() }); // stakePct > maxPositionPct
    await heartbeat(w);
    const first = await evaluateSignals(w);
    w.clock.advance(M);
    await heartbeat(w);
    const second = await evaluateSignals(w);
    const alerts = w.alerts.ofKind('POLICY_REJECTED');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical', details: { rejectedVersion: 2, inForceVersion: 1 } });
    expect(alerts[0]!.message).toContain('risk.stakePct');
    expect([first.policyHash, second.policyHash]).toEqual([valid.hash, valid.hash]);
  });
});
