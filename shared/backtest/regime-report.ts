import { closeTime, type Candle } from '../domain/candle.js';
import type { Policy } from '../domain/policy.js';
import { REGIMES, regimeSeries, type Regime } from '../domain/regime.js';
import { regimeLeader, regimeParams } from '../domain/regime-policy.js';

/** One stretch of a symbol's regime: from the close of its first candle to the close of its last. 'none': warm-up or unconfirmed. */
export interface RegimeSegment {
  readonly from: number;
  readonly to: number;
  readonly regime: Regime | 'none';
  readonly candles: number;
}

/** What the regime gate saw and changed in a run (present only when policy.regime.enabled). */
export interface RegimeRun {
  /** Per symbol, its regime over time (regimeSeries over the run's candles, with the leader's). */
  readonly timeline: Readonly<Record<string, readonly RegimeSegment[]>>;
  /** Per symbol, candles in each regime ('none' included). */
  readonly candles: Readonly<Record<string, Readonly<Record<Regime | 'none', number>>>>;
  /** Entries refused with REGIME_BLOCKED (the rejection count of that code). */
  readonly blockedEntries: number;
  /** Entries approved with a stake the matrix reduced. */
  readonly reducedEntries: number;
}

/**
 * The run's regime report. The timeline is the smoothed regime at every candle's close; it equals what the gate read
 * at each decision (regimeAt on the last regimeCandlesNeeded candles is the same pure function of the same candles).
 */
export function regimeRun(
  policy: Policy, series: Readonly<Record<string, readonly Candle[]>>, counts: { readonly blocked: number; readonly reduced: number },
): RegimeRun {
  const params = regimeParams(policy.regime);
  const timeline: Record<string, RegimeSegment[]> = {};
  const candles: Record<string, Record<Regime | 'none', number>> = {};
  for (const symbol of Object.keys(series).sort()) {
    const own = series[symbol]!;
    const leader = regimeLeader(policy, symbol);
    const regimes = regimeSeries(own, params, leader === undefined ? undefined : series[leader]);
    const segments: RegimeSegment[] = [];
    const tally = Object.fromEntries([...REGIMES, 'none'].map((r) => [r, 0])) as Record<Regime | 'none', number>;
    own.forEach((c, i) => {
      const regime = regimes[i] ?? 'none';
      tally[regime] += 1;
      const last = segments.at(-1);
      if (last?.regime === regime) segments[segments.length - 1] = { ...last, to: closeTime(c), candles: last.candles + 1 };
      else segments.push({ from: closeTime(c), to: closeTime(c), regime, candles: 1 });
    });
    timeline[symbol] = segments;
    candles[symbol] = tally;
  }
  return { timeline, candles, blockedEntries: counts.blocked, reducedEntries: counts.reduced };
}
