/**
 * The regime gate when no regime can be computed (too few closed candles of the symbol or of its leader): an entry the
 * matrix would block in some regime is refused (REGIME_BLOCKED, fail closed) rather than let through ungated — a fresh
 * deployment's market table, a newly added symbol, or a leader whose candles are missing. Exits pass; a matrix that
 * blocks nothing is unaffected; once history suffices an unconfirmed regime still allows, as documented.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { evaluateRisk } from '../../shared/domain/risk/evaluate.js';
import { regimeUnknownWhy } from '../../shared/domain/regime.js';
import { regimeParams, RegimeConfig } from '../../shared/domain/regime-policy.js';
import { decideIntent } from '../../shared/services/decide-intent.js';
import { book, exitCtx, held, policyWith, rctx } from '../unit/domain/risk-fixtures.js';
import { buildWorld, candlesEndingAt, heartbeat, intentFor, latestClose, seedBook, setPolicy, UNPACED, type World } from '../unit/services/support.js';

const gate = (matrix: Record<string, Record<string, string>> = {}) => policyWith({ regime: { ...policyWith().regime, enabled: true, matrix } });
const ALL_ALLOWED = { '*': { crisis: 'allowed', trending: 'allowed', volatile: 'allowed', 'mean-reverting': 'allowed' } };

describe('the regime gate with no computable regime (risk chain)', () => {
  it('refuses an entry with REGIME_BLOCKED when the regime cannot be computed and the matrix blocks it somewhere (crisis by default)', () => {
    const r = evaluateRisk(rctx({ policy: gate(), regimeUnknown: '30 of the 1470 closed candles the detector needs' }));
    expect(r.approved).toBe(false);
    expect(r.reasons[0]).toMatchObject({ code: 'REGIME_BLOCKED', message: expect.stringMatching(/regime unknown \(30 of the 1470/) });
  });

  it('lets the exit out, and an entry through under a matrix that blocks no regime', () => {
    const why = { regimeUnknown: 'too few' };
    expect(evaluateRisk(exitCtx({ policy: gate(), ...why, ledger: book([held('BTC/USDT', '0.004', '200')]) }))).toMatchObject({ approved: true });
    expect(evaluateRisk(rctx({ policy: gate(ALL_ALLOWED), ...why }))).toMatchObject({ approved: true });
  });

  it('says why: too few candles of the symbol, or of its leader; nothing once both have rawCandlesNeeded', () => {
    const p = regimeParams(RegimeConfig.parse({ enabled: true }));
    expect(regimeUnknownWhy(p, 300)).toMatch(/300 of the 1470/);
    expect(regimeUnknownWhy(p, 1470, { symbol: 'BTC/USDT', count: 500 })).toMatch(/leader BTC\/USDT has 500 of the 1470/);
    expect(regimeUnknownWhy(p, 1470, { symbol: 'BTC/USDT', count: 1470 })).toBeUndefined();
  });
});

describe('decideIntent with the regime gate on and too few stored candles', () => {
  const BTC = 'BTC/USDT';
  const ETH = 'ETH/USDT';
  /** Small windows: a raw class needs 45 candles, the full window 64. */
  const DETECTOR = { erPeriod: 10, volPeriod: 5, volLookback: 40, crashWindow: 10, crashDropPct: 5, crisisVolPercentile: 90, confirmCandles: 3, crisisHoldCandles: 5, smoothingWindow: 20 };
  const calm = (first: number, n: number) => Array.from({ length: n }, (_, i) => first * (1 + (i % 2 ? 0.0005 : -0.0005)));
  let w: World;
  let close: number;
  const seed = async (symbol: string, closes: number[]) => {
    await w.market.putCandles(candlesEndingAt(symbol, closes, close));
    await seedBook(w, symbol, String(closes.at(-1)! - 0.01), String(closes.at(-1)!));
  };
  beforeEach(async () => {
    w = buildWorld();
    close = latestClose(w.clock.now());
    await heartbeat(w);
  });

  it('refuses an entry on a symbol with 30 candles while it falls 50 % (no raw class yet)', async () => {
    await seed(BTC, [...calm(50_000, 20), ...Array.from({ length: 10 }, (_, i) => 50_000 * (1 - 0.05 * (i + 1)))]);
    await setPolicy(w, { symbols: [BTC], ...UNPACED, regime: { enabled: true, leader: null, ...DETECTOR } });
    const entry = await decideIntent(w, intentFor(BTC, 'entry', close));
    expect(entry.reasons.map((r) => r.code)).toEqual(['REGIME_BLOCKED']);
    expect(entry.reasons[0]!.message).toMatch(/regime unknown \(30 of the 45/);
  });

  it('refuses an entry on a symbol with full history while the listed leader has too few candles to say it is not in crisis', async () => {
    await seed(ETH, calm(3_000, 64));
    await seed(BTC, calm(50_000, 12));
    await setPolicy(w, { symbols: [BTC, ETH], ...UNPACED, regime: { enabled: true, ...DETECTOR } });
    const entry = await decideIntent(w, intentFor(ETH, 'entry', close));
    expect(entry.reasons.map((r) => r.code)).toEqual(['REGIME_BLOCKED']);
    expect(entry.reasons[0]!.message).toMatch(/leader BTC\/USDT has 12 of the 45/);
  });
});
