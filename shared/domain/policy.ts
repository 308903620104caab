import * as z from 'zod';
import { TIMEFRAMES } from './candle.js';
import { documentProblems } from './policy-document.js';
import { shownKey } from './strict-json.js';
import { sanityOfValidParts } from './policy-partial.js';
import { applyProfile } from './policy-profiles.js';
import { RegimeConfig } from './regime-policy.js';
import { GoLiveConfig } from './readiness-policy.js';
import type { ReadinessFacts } from './readiness.js';
import { deprecatedKeyProblems, sanityProblems, withoutDeprecatedKeys } from './policy-sanity.js';

// Numbers are only typed here; ranges and contradictions are the sanity checks (policy-sanity.ts),
// which name each problem with a stable code and its path.
const num = z.number().finite();
const int = z.number().int();
const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'a non-negative decimal string, e.g. "10.5"');
const symbol = z.string().regex(/^[A-Z0-9]{2,12}\/[A-Z0-9]{2,12}$/, 'a BASE/QUOTE symbol, e.g. "BTC/USDT"');
const minutes = int.min(0);

const StrategyConfig = z.strictObject({
  name: z.string().min(1),
  enabled: z.boolean().default(true),
  /** Symbols this strategy trades; defaults to the policy's symbols. */
  symbols: z.array(symbol).optional(),
  params: z.record(z.string(), z.number()).default({}),
  /** Largest share of equity (%) this strategy may have in positions and pending entries; unset = no own budget. */
  riskBudgetPct: num.optional(),
});

const RiskConfig = z.strictObject({
  /** fixed-fraction: stakePct of equity per entry. volatility-target: risk riskPerTradePct of equity over atrStopMultiple × ATR. */
  sizing: z.enum(['fixed-fraction', 'volatility-target']).default('fixed-fraction'),
  /** Size of a new position, % of equity (fixed-fraction). */
  stakePct: num.default(2),
  /** Equity risked per trade, % (volatility-target). */
  riskPerTradePct: num.default(0.5),
  atrPeriod: int.default(14),
  atrStopMultiple: num.default(2),
  /** Per-asset cap: one symbol's position value, % of equity. */
  maxPositionPct: num.default(3),
  /** Largest single position, quote currency. */
  maxPositionNotional: decimalString.default('5000'),
  /** Sum of open positions and pending buys, % of equity ("at risk"). */
  maxTotalExposurePct: num.default(25),
  maxOpenPositions: int.default(5),
  /** Smallest order notional we send, quote (the fee-adjusted exchange minimum also applies). */
  minNotional: decimalString.default('10'),
  /** Margin over the exchange minimum plus fees, so an order never bounces off the minimum after rounding. */
  minNotionalBufferPct: num.default(10),
  /** Exits that reduce risk may leave while the kill switch is not ARMED. */
  allowExitsWhenHalted: z.boolean().default(true),
  pyramiding: z.strictObject({
    enabled: z.boolean().default(false),
    /** Adds allowed on top of the first entry. */
    maxAdds: int.default(0),
    /** Each add's stake as a fraction of the first entry's. */
    addStakeFraction: num.default(0.5),
  }).default({ enabled: false, maxAdds: 0, addStakeFraction: 0.5 }),
});

const LossLimitsConfig = z.strictObject({
  /** What a period's loss is measured from: the equity at its start, or its peak so far. */
  basis: z.enum(['start', 'peak']).default('peak'),
  /** Daily stop, % (negative), null = off. UTC days. */
  dailyStopPct: num.nullable().default(-3),
  /** Weekly stop, % (negative), null = off. UTC weeks from Monday. */
  weeklyStopPct: num.nullable().default(-7),
  /** Drawdown from all-time peak equity, % (positive), null = off. */
  maxDrawdownPct: num.nullable().default(10),
});

const ExitsConfig = z.strictObject({
  /** From the average entry price, % (negative). null = off. */
  stopLossPct: num.nullable().default(-10),
  takeProfitPct: num.nullable().default(12),
  trailingStop: z.strictObject({
    enabled: z.boolean().default(false),
    /** Trailing starts once the position is up this much, %. */
    activationPct: num.default(2),
    /** Exit when price falls this far below the high-water mark, %. */
    trailPct: num.default(3),
  }).default({ enabled: false, activationPct: 2, trailPct: 3 }),
  /** Close a position held this long, minutes; 0 = off. */
  timeStopMinutes: minutes.default(0),
  /** freqtrade-style minimal ROI: after `afterMinutes`, exit once profit ≥ `pct`. Empty = off. */
  roi: z.array(z.strictObject({ afterMinutes: minutes, pct: num })).default([]),
});

const PacingConfig = z.strictObject({
  maxTradesPerDay: int.default(15),
  maxTradesPerHour: int.default(5),
  maxNewPositionsPerHour: int.default(3),
  minSecondsBetweenTrades: int.default(180),
  /** Between two orders on the same symbol. */
  perSymbolCooldownSeconds: int.default(900),
});

const lock = { enabled: z.boolean(), lookbackMinutes: minutes, lockMinutes: minutes };
const ProtectionsConfig = z.strictObject({
  /** Too many stop-loss exits within the lookback → lock (all pairs, or just the pair). */
  stoplossGuard: z.strictObject({ ...lock, tradeLimit: int, perPair: z.boolean() })
    .default({ enabled: true, lookbackMinutes: 1440, lockMinutes: 360, tradeLimit: 3, perPair: false }),
  /** Drawdown of account equity within the lookback above maxDrawdownPct → lock all pairs. */
  maxDrawdown: z.strictObject({ ...lock, maxDrawdownPct: num })
    .default({ enabled: true, lookbackMinutes: 2880, lockMinutes: 720, maxDrawdownPct: 8 }),
  /** A pair whose closed trades in the lookback made less than requiredProfitPct → lock the pair. */
  lowProfitPairs: z.strictObject({ ...lock, tradeLimit: int, requiredProfitPct: num })
    .default({ enabled: true, lookbackMinutes: 2880, lockMinutes: 720, tradeLimit: 3, requiredProfitPct: 0 }),
  /** After any exit, lock that pair for lockMinutes. */
  cooldown: z.strictObject({ enabled: z.boolean(), lockMinutes: minutes }).default({ enabled: true, lockMinutes: 15 }),
});

const MarketQualityConfig = z.strictObject({
  /** Heartbeat older than this (seconds) means market data is stale: no new entries. */
  staleDataSeconds: int.default(180),
  /** Beyond this (seconds) the signal function fetches candles itself (degraded mode, exits only). */
  degradedAfterSeconds: int.default(600),
  /** (ask − bid) / mid above this, basis points → no entry. */
  maxSpreadBps: num.default(50),
  /** Execution price further than this from the last close, % → bad tick, no entry. */
  badTickPct: num.default(5),
});

const KillSwitchConfig = z.strictObject({
  /** After a reset the switch waits this long in COOLDOWN before it counts as ARMED. */
  cooldownSeconds: int.default(900),
  /** Trip after this many consecutive losing trades; 0 = off. */
  maxConsecutiveLosses: int.default(5),
  /** Trip after errorBurstCount execution/API errors within errorBurstWindowSeconds. */
  errorBurstCount: int.default(5),
  errorBurstWindowSeconds: int.default(300),
  /** Cancel open entry orders when the switch trips. */
  cancelOpenEntriesOnTrip: z.boolean().default(true),
});

const CircuitBreakerConfig = z.strictObject({
  /** Consecutive exchange API failures that open the breaker. */
  failureThreshold: int.default(5),
  /** How long it stays open before one half-open probe is let through. */
  openSeconds: int.default(300),
});

const ExecutionConfig = z.strictObject({
  /** market: taker at the book; limit: a price limitOffsetBps inside the decision price, resting until filled or timed out. */
  orderType: z.enum(['market', 'limit']).default('market'),
  /** For limit orders: buy this far below / sell this far above the decision price, bps (0 = at it). */
  limitOffsetBps: num.default(0),
  /** An unfilled (or partly filled) limit order older than this is handled by onLimitTimeout. */
  limitTimeoutSeconds: int.default(120),
  /** cancel: give up the rest; replace: cancel and re-place at the current price; market: cancel and take the rest at market. */
  onLimitTimeout: z.enum(['cancel', 'replace', 'market']).default('cancel'),
  /** What to do with the remainder of a partial fill: keep working it, cancel it, or top it up at market. */
  partialFill: z.enum(['keep', 'cancel', 'top-up']).default('keep'),
  /** Reject a fill model / live order price further than this from the decision price, bps. */
  maxSlippageBps: num.default(50),
  /**
   * A placement whose outcome is unknown is concluded "never placed" only after not-found answers (open and
   * closed-order history, by client order id) spanning at least this long since the send; until then it stays
   * SUBMITTING (unresolved), its reservation kept, and is never re-sent.
   */
  settleWindowSeconds: int.default(600),
  /** Not-found answers needed within the settle window before an unknown placement counts as never placed. */
  settleNotFoundChecks: int.default(3),
  /** An order still unresolved this long after its send raises a critical ORDER_UNRESOLVED alert. */
  unresolvedAlertSeconds: int.default(1200),
  /** Size impact of the paper fill model and the backtest: 'sqrt' (paper.impactCoefficient) or 'almgren-chriss' (almgrenChriss). */
  impactModel: z.enum(['sqrt', 'almgren-chriss']).default('sqrt'),
  /** Almgren–Chriss impact γ·σ·X/V + η·σ·x/V (shared/domain/impact.ts); defaults calibrated by bench/impact-calibration.ts. */
  almgrenChriss: z.strictObject({
    /** Permanent impact γ, in σ per unit of the parent's executed share X / V of a candle's volume. */
    permanentGamma: num.default(0.26),
    /** Temporary impact η, in σ per unit of the fill's share x / V of a candle's volume. */
    temporaryEta: num.default(0.05),
    /** σ is the standard deviation of the log returns of this many latest closed candles. */
    volatilityCandles: int.default(60),
  }).default({ permanentGamma: 0.26, temporaryEta: 0.05, volatilityCandles: 60 }),
  /** Order slicing (shared/domain/slicing.ts): a large order is sent as child orders; off by default. */
  slicing: z.strictObject({
    enabled: z.boolean().default(false),
    /** Slice an order whose quantity exceeds this % of the mean volume per candle of the last volumeCandles closed candles. */
    thresholdPctOfRecentVolume: num.default(5),
    /** twap: `slices` equal children; participation: as many equal children as keep each within maxParticipationPct of that volume. */
    mode: z.enum(['twap', 'participation']).default('twap'),
    slices: int.default(4),
    /** Child i is due i × intervalSeconds after the decision; a child not due at a delivery is sent by the manage loop (reconcile schedule). */
    intervalSeconds: int.default(60),
    maxParticipationPct: num.default(5),
    volumeCandles: int.default(5),
  }).default({ enabled: false, thresholdPctOfRecentVolume: 5, mode: 'twap', slices: 4, intervalSeconds: 60, maxParticipationPct: 5, volumeCandles: 5 }),
});

const ExchangeConfig = z.strictObject({
  /** ccxt exchange id. */
  id: z.string().min(1).default('binance'),
  /** Request weight all Stratus processes together may spend per minute (one API key, one egress IP). */
  rateLimitWeightPerMinute: int.positive().default(1200),
  /** Retries of a retryable exchange error inside one invocation (exponential backoff with full jitter, capped). */
  maxRetries: int.default(3),
  retryBaseDelayMs: int.default(250),
  retryMaxDelayMs: int.default(5000),
});

const ReconcileConfig = z.strictObject({
  /** Balance drift (exchange vs ledger) above this, % of the ledger amount (or of 1 unit when the ledger holds 0): alert. */
  driftAlertPct: num.default(0.5),
  /** Above this: also trip the kill switch. */
  driftTripPct: num.default(2),
});

const PaperConfig = z.strictObject({
  /** Cash the paper ledger starts with, quote currency. */
  startingCash: decimalString.default('10000'),
  takerFeeBps: num.default(10),
  makerFeeBps: num.default(10),
  /** Fixed slippage applied against us on every paper market fill. */
  slippageBps: num.default(5),
  /** Square-root market impact: extra slippage = impactCoefficient × sqrt(order quantity / candle volume), as a fraction. */
  impactCoefficient: num.default(0.1),
  /** At most this share of a candle's volume fills per candle; a larger order fills partly. */
  maxVolumeParticipationPct: num.default(10),
  /** Seed of the paper fill model's randomness (deterministic for a given seed). */
  seed: int.default(1),
});

const SignalsConfig = z.strictObject({
  /** Most intents one signal cycle sends: exits always go, entries ranked by score (then intent id) fill the rest; the others are dropped and counted. */
  maxIntentsPerCycle: int.default(50),
});

const section = <T extends z.ZodType>(schema: T) => schema.default(() => (schema as z.ZodType).parse({}) as never);

/**
 * The trading policy, one DynamoDB item. Defaults are the conservative profile; unknown keys are
 * errors, so a typo never silently takes effect.
 */
export const PolicySchema = z.strictObject({
  /** A launch profile applied under this document (see PROFILES); conservative when absent. */
  profile: z.enum(['conservative', 'moderate', 'full']).default('conservative'),
  /** DRY_RUN records decisions only; PAPER fills on market data; LIVE sends real orders. */
  mode: z.enum(['DRY_RUN', 'PAPER', 'LIVE']).default('PAPER'),
  /** Must be true, as well as mode LIVE, before a real order is sent. */
  liveTradingConfirmed: z.boolean().default(false),
  /** Read-only switch: nothing is sent, entries or exits; decisions are still recorded. */
  readOnly: z.boolean().default(false),
  exchange: section(ExchangeConfig),
  timeframe: z.enum(TIMEFRAMES as [string, ...string[]]).default('1m'),
  symbols: z.array(symbol).min(1).default(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']),
  strategies: z.array(StrategyConfig).min(1).default([{ name: 'momentum', enabled: true, params: {} }]),
  signals: section(SignalsConfig),
  risk: section(RiskConfig),
  lossLimits: section(LossLimitsConfig),
  exits: section(ExitsConfig),
  pacing: section(PacingConfig),
  protections: section(ProtectionsConfig),
  marketQuality: section(MarketQualityConfig),
  killSwitch: section(KillSwitchConfig),
  circuitBreaker: section(CircuitBreakerConfig),
  execution: section(ExecutionConfig),
  reconcile: section(ReconcileConfig),
  paper: section(PaperConfig),
  /** The regime gate: detector and strategy × regime matrix (regime-policy.ts); off by default. */
  regime: section(RegimeConfig),
  /** The go-live gate: checklist thresholds, required sign-offs, canary (readiness-policy.ts). */
  goLive: section(GoLiveConfig),
});

export { canonicalJson, policyHash } from './policy-document.js';

/** The policy after defaults. */
export type Policy = z.infer<typeof PolicySchema>;
export type StrategyPolicy = z.infer<typeof StrategyConfig>;

/** The policy in force and where it came from. */
export interface LoadedPolicy {
  readonly policy: Policy;
  /** SHA-256 of the canonical JSON of the policy (after defaults). */
  readonly hash: string;
  readonly version: number;
  readonly source: 'active' | 'last-valid' | 'default';
  /** For a LIVE policy: epoch ms the first LIVE policy took effect on this deployment (the canary's start), when known. */
  readonly liveSince?: number;
  /** Set when the active item was invalid and therefore not used. */
  readonly rejected?: {
    readonly version: number;
    /** The first problems (bounded, see policy-document.ts); problemCount is the total. */
    readonly problems: readonly PolicyProblem[];
    readonly problemCount?: number;
    /** True only for the load that first recorded this rejection, so the alert goes out once. */
    readonly firstSeen?: boolean;
    /** False when the rejection record could not be written (the alert says so; the policy in force is unchanged). */
    readonly recorded?: boolean;
  };
}

/** One validation problem, with its path in the document and a stable code. Warnings do not block. */
export interface PolicyProblem {
  readonly path: string;
  readonly message: string;
  /** Stable code, e.g. SCHEMA, DEPRECATED_KEY, STOP_LOSS_BEYOND_TAKE_PROFIT (see policy-sanity.ts). */
  readonly code?: string;
  readonly severity?: 'error' | 'warning';
}

/** Facts about the deployment the policy is checked against (unknown facts skip their checks). */
export interface ValidationContext {
  /** Whether exchange API keys are configured (a LIVE policy without them is invalid). */
  readonly exchangeKeysConfigured?: boolean;
  /** The deployment's go-live records (a LIVE policy before they show readiness is invalid: LIVE_NOT_READY). */
  readonly liveReadiness?: ReadinessFacts;
}

/**
 * Validates a policy document: forbidden keys, size and depth, then its profile applied, deprecated keys, the
 * schema, and every sanity check — those whose inputs parsed also when the schema refused other parts, so every
 * problem is reported at once. Never throws. Errors block; warnings (severity 'warning') do not. Each problem names its path.
 */
export function validatePolicy(document: unknown, context: ValidationContext = {}):
  | { ok: true; policy: Policy; warnings: PolicyProblem[] }
  | { ok: false; problems: PolicyProblem[]; warnings: PolicyProblem[] } {
  const refused = documentProblems(document);
  if (refused.length) return { ok: false, problems: refused, warnings: [] };
  const deprecated = deprecatedKeyProblems(document);
  const input = applyProfile(withoutDeprecatedKeys(document));
  const parsed = PolicySchema.safeParse(input);
  if (!parsed.success) {
    const partial = sanityOfValidParts(input, parsed.error.issues, (d) => PolicySchema.safeParse(d), context);
    return {
      ok: false, problems: [...deprecated, ...parsed.error.issues.flatMap(schemaProblems), ...partial.filter((p) => p.severity !== 'warning')],
      warnings: partial.filter((p) => p.severity === 'warning'),
    };
  }
  const all = sanityProblems(parsed.data, context);
  const errors = [...deprecated, ...all.filter((p) => p.severity !== 'warning')];
  const warnings = all.filter((p) => p.severity === 'warning');
  return errors.length ? { ok: false, problems: errors, warnings } : { ok: true, policy: parsed.data, warnings };
}

/** A schema issue as problems: an unknown key is reported at its own path, so a typo points at itself. */
function schemaProblems(issue: z.core.$ZodIssue): PolicyProblem[] {
  const at = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(root)';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: at([...issue.path, shownKey(key)]), message: `unknown key "${shownKey(key)}"`, code: 'UNKNOWN_KEY', severity: 'error' }));
  }
  // A strategy's params of the wrong type are its params' problem, coded as their range problems are.
  const strategyParams = issue.path[0] === 'strategies' && issue.path[2] === 'params';
  return [{ path: at(issue.path), message: issue.message, code: strategyParams ? 'STRATEGY_PARAMS' : 'SCHEMA', severity: 'error' }];
}

/** The default policy (schema defaults). */
export function defaultPolicy(): Policy {
  return PolicySchema.parse({});
}
