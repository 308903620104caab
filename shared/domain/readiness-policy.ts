/**
 * The policy's `goLive` section: the go-live gate's thresholds, the sign-off roles it needs and the canary.
 * Only typed here; bounds are the GO_LIVE_BOUNDS sanity check (readiness-sanity.ts).
 */
import * as z from 'zod';

const num = z.number().finite();
const int = z.number().int();
const role = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a lower-case role name, e.g. "risk"');

const CanaryConfig = z.strictObject({
  /** Largest entry (notional plus fee), quote, while the canary lasts; null = no canary. */
  stakeCapQuote: z.string().regex(/^\d+(\.\d+)?$/, 'a non-negative decimal string, e.g. "50"').nullable(),
  /** How long the canary lasts from the first LIVE version in force, days. */
  days: int,
});

/** `goLive`: what `stratus go-live-check` requires, which sign-offs a LIVE policy needs, and the canary after it starts. */
export const GoLiveConfig = z.strictObject({
  /** Days of PAPER decisions on this deployment before LIVE. */
  minPaperDays: int.default(30),
  /** Paper drawdown from the highest day-end equity must be at or below this, %. */
  maxPaperDrawdownPct: num.default(10),
  /** Paper Sharpe to date must be at least this. */
  minPaperSharpe: num.default(0.5),
  /** Rejected orders as a share of all paper orders must be at or below this, %. */
  maxErrorRatePct: num.default(5),
  /** The recorded walk-forward's compounded out-of-sample return must be above this, %. */
  minWalkForwardReturnPct: num.default(0),
  /** The last reconcile must be this recent, minutes. */
  reconcileMaxAgeMinutes: int.default(60),
  /** Roles that must each sign off after the recorded passing verdict. */
  requiredSignoffRoles: z.array(role).min(1).default(['trader', 'risk']),
  canary: CanaryConfig.default({ stakeCapQuote: '50', days: 7 }),
});

/** The goLive section after defaults. */
export type GoLivePolicy = z.infer<typeof GoLiveConfig>;
