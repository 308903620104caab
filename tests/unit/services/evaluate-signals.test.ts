import { beforeEach, describe, expect, it } from 'vitest';
import { RISK_EXIT_STRATEGY } from '../../../shared/domain/exits.js';
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

describe('evaluateSignals: risk exits', () => {
  // 0.1 BTC held at an average cost of 50 000 (5 000 quote); stop-loss −10%, take-profit +12% (defaults).
  beforeEach(async () => {
    await editLedger(w, () => ledgerHolding(BTC, '0.1', '5000', w.clock.now() - 60 * M));
  });

  it('exits a held position whose last close reached the stop-loss, as strategy risk-exit with reason stop-loss, and runs no strategy on it', async () => {
    await seedSymbol(w, BTC, [...trend(30, 0), 45_000]); // last close −10% exactly
    await seedSymbol(w, ETH, trend(31, RISING, 3_000));
    await heartbeat(w);
    const close = latestClose(w.clock.now());
    const cycle = await evaluateSignals(w);
    const exit = cycle.intents.find((i) => i.symbol === BTC)!;
    expect(exit).toMatchObject({
      intentId: intentIdFor(RISK_EXIT_STRATEGY, BTC, 'sell', close), strategy: RISK_EXIT_STRATEGY, side: 'sell', kind: 'exit',
      reason: 'stop-loss', referencePrice: '45000', score: -10, candleCloseTime: close,
    });
    expect(cycle.riskExits).toEqual([{ symbol: BTC, reason: 'stop-loss', message: expect.stringContaining('stopLossPct -10%') }]);
    expect(cycle.skipped).toEqual([{ symbol: BTC, strategy: 'momentum', reason: 'superseded by risk exit stop-loss' }]);
    expect(cycle.intents.map((i) => [i.symbol, i.strategy, i.kind])).toEqual([[BTC, RISK_EXIT_STRATEGY, 'exit'], [ETH, 'momentum', 'entry']]);
    expect(w.signals.sent.map((m) => [m.groupId, m.deduplicationId])).toEqual(cycle.intents.map((i) => [i.symbol, i.intentId]));
  });

  it('exits at the take-profit level on a rising market the strategy would keep holding', async () => {
    await seedSymbol(w, BTC, [...trend(30, RISING, 55_000), 56_000]); // +12%
    await heartbeat(w);
    const cycle = await evaluateSignals(w);
    expect(cycle.intents.map((i) => [i.strategy, i.reason])).toEqual([[RISK_EXIT_STRATEGY, 'take-profit']]);
  });

  it('emits no risk exit inside the levels and lets the strategy decide as before', async () => {
    await seedSymbol(w, BTC, [...trend(30, 0), 45_001]);
    await heartbeat(w);
    const cycle = await evaluateSignals(w);
    expect(cycle.riskExits).toEqual([]);
    expect(cycle.intents.every((i) => i.strategy === 'momentum')).toBe(true);
    expect(cycle.evaluated).toBe(1);
  });

  it('still sends a risk exit while market data is stale', async () => {
    await seedSymbol(w, BTC, [...trend(30, 0), 44_000]);
    const cycle = await evaluateSignals(w); // no heartbeat at all
    expect(cycle.marketStale).toBe(true);
    expect(cycle.intents.map((i) => i.reason)).toEqual(['stop-loss']);
  });

  it('judges exits only on the latest closed candle, and skips a held symbol whose latest candle is missing', async () => {
    await seedSymbol(w, BTC, [...trend(30, 0), 40_000], { lastClose: latestClose(w.clock.now()) - M });
    await heartbeat(w);
    const cycle = await evaluateSignals(w);
    expect(cycle.intents).toEqual([]);
    expect(cycle.skipped).toContainEqual({ symbol: BTC, strategy: RISK_EXIT_STRATEGY, reason: 'latest closed candle missing' });
  });

  it('keeps judging the stop-loss of a position in a symbol the policy dropped, under the policy in force, and runs no strategy on it', async () => {
    await setPolicy(w, { symbols: [ETH], exits: { stopLossPct: -5 } });
    await seedSymbol(w, BTC, [...trend(30, RISING, 45_000), 47_000]); // −6%: only the new policy's −5% stop is crossed
    await seedSymbol(w, ETH, trend(31, 0, 3_000));
    await heartbeat(w);
    const cycle = await evaluateSignals(w);
    expect(cycle.riskExits).toEqual([{ symbol: BTC, reason: 'stop-loss', message: expect.stringContaining('stopLossPct -5%') }]);
    expect(cycle.intents.map((i) => [i.symbol, i.strategy, i.kind])).toEqual([[BTC, RISK_EXIT_STRATEGY, 'exit']]);
    expect(cycle.evaluated).toBe(1); // ETH only: no strategy ran on BTC
  });

  it.each([
    [0, ['time-stop']],
    [1, []], // 60 min before the clock, but 1 ms short of 60 min before the candle's close
  ])('times a position out by the close time of the candle it judges (opened 60 min − %i ms before it)', async (later, expected) => {
    await setPolicy(w, { symbols: [BTC, ETH], exits: { timeStopMinutes: 60 } });
    await editLedger(w, () => ledgerHolding(BTC, '0.1', '5000', latestClose(w.clock.now()) - 60 * M + later));
    await seedSymbol(w, BTC, trend(31, 0));
    await heartbeat(w);
    expect((await evaluateSignals(w)).riskExits.map((e) => e.reason)).toEqual(expected);
  });
});
