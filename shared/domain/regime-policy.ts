import * as z from 'zod';
import { REGIMES, regimeCandlesNeeded, type Regime, type RegimeParams } from './regime.js';

const int = z.number().int();
const num = z.number().finite();

/** One matrix cell: the entry is let through, shrunk to a fraction of its stake, or refused. */
const Rule = z.string().regex(/^(allowed|blocked|reduced:\d+(\.\d+)?)$/, 'allowed, blocked or reduced:<fraction>, e.g. "reduced:0.5"');
const Row = z.strictObject(Object.fromEntries(REGIMES.map((r) => [r, Rule.optional()])) as Record<Regime, z.ZodOptional<typeof Rule>>);

/**
 * policy.regime: the regime gate (off by default). Windows are counted in candles of policy.timeframe; the
 * defaults suit 1m and 5m candles (see README "Regime gate" for what each threshold means).
 */
export const RegimeConfig = z.strictObject({
  enabled: z.boolean().default(false),
  /** The market leader: its crisis is every symbol's crisis. null = each symbol alone. Used when its candles are stored. */
  leader: z.string().regex(/^[A-Z0-9]{2,12}\/[A-Z0-9]{2,12}$/, 'a BASE/QUOTE symbol').nullable().default('BTC/USDT'),
  erPeriod: int.default(60),
  trendThreshold: num.default(0.3),
  volPeriod: int.default(30),
  volLookback: int.default(1440),
  volatilePercentile: num.default(80),
  crashWindow: int.default(120),
  crashDropPct: num.default(6),
  crisisVolPercentile: num.default(90),
  confirmCandles: int.default(10),
  crisisHoldCandles: int.default(60),
  smoothingWindow: int.default(120),
  /** strategy name (or "*" for every other strategy) → regime → rule; a cell not given falls back to "*", then DEFAULT_RULES. */
  matrix: z.record(z.string(), Row).default({}),
});

/** The policy.regime section after defaults. */
export type RegimePolicy = z.infer<typeof RegimeConfig>;

/** The gate's verdict on an entry: its stake multiplier (1 allowed, 0 blocked). */
export interface RegimeVerdict {
  readonly rule: 'allowed' | 'reduced' | 'blocked';
  readonly fraction: number;
}

/** A cell nobody set: crisis blocks entries, every other regime allows them. */
export const DEFAULT_RULES: Readonly<Record<Regime, string>> = { crisis: 'blocked', trending: 'allowed', volatile: 'allowed', 'mean-reverting': 'allowed' };

const ALLOWED: RegimeVerdict = { rule: 'allowed', fraction: 1 };

/** The rule for a strategy's entry in a regime; no regime (gate off, warm-up, unconfirmed) → allowed. */
export function regimeVerdict(config: RegimePolicy | undefined, strategy: string, regime: Regime | undefined): RegimeVerdict {
  if (!config?.enabled || regime === undefined) return ALLOWED;
  const cell = config.matrix[strategy]?.[regime] ?? config.matrix['*']?.[regime] ?? DEFAULT_RULES[regime];
  if (cell === 'allowed') return ALLOWED;
  if (cell === 'blocked') return { rule: 'blocked', fraction: 0 };
  return { rule: 'reduced', fraction: Number(cell.slice('reduced:'.length)) };
}

/** The detector parameters of the section. */
export function regimeParams(config: RegimePolicy): RegimeParams {
  const { enabled: _e, leader: _l, matrix: _m, ...params } = config;
  return params;
}

/** The leader whose candles a symbol's regime reads: policy.regime.leader when it is one of the policy's symbols and not this one. */
export function regimeLeader(policy: { readonly symbols: readonly string[]; readonly regime: RegimePolicy }, symbol: string): string | undefined {
  const { leader } = policy.regime;
  return leader !== null && leader !== symbol && policy.symbols.includes(leader) ? leader : undefined;
}

/** Closed candles the gate needs before it can know a regime (a live start backfills at least this many); 0 when off. */
export function regimeWarmup(config: RegimePolicy | undefined): number {
  return config?.enabled ? regimeCandlesNeeded(regimeParams(config)) : 0;
}
