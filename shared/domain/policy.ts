import { createHash } from 'node:crypto';
import { z } from 'zod';
import { TIMEFRAMES } from './candle.js';
import { StratusError } from './errors.js';
import { getStrategy } from './strategy.js';

const pct = (max = 100) => z.number().gt(0).lte(max);
const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'a non-negative decimal string, e.g. "10.5"');
const symbol = z.string().regex(/^[A-Z0-9]{2,12}\/[A-Z0-9]{2,12}$/, 'a BASE/QUOTE symbol, e.g. "BTC/USDT"');

const StrategyConfig = z.strictObject({
  name: z.string().min(1),
  enabled: z.boolean().default(true),
  /** Symbols this strategy trades; defaults to the policy's symbols. */
  symbols: z.array(symbol).optional(),
  params: z.record(z.string(), z.number()).default({}),
});

const RiskConfig = z.strictObject({
  /** Size of a new position, % of equity. */
  stakePct: pct().default(2),
  /** Largest position notional, % of equity. */
  maxPositionPct: pct().default(3),
  /** Sum of open positions and reservations, % of equity. */
  maxTotalExposurePct: pct().default(25),
  /** Smallest order notional we send, quote currency (the exchange minimum also applies). */
  minNotional: decimalString.default('10'),
  /** Drawdown from peak equity (%) at which the metrics function trips the kill switch. */
  maxDrawdownPct: pct().default(10),
  /** Exits that reduce risk may leave while the kill switch is not ARMED. */
  allowExitsWhenHalted: z.boolean().default(true),
  /** After a reset the switch waits this long in COOLDOWN before it counts as ARMED. */
  killSwitchCooldownSeconds: z.number().int().min(0).default(0),
});

const ExecutionConfig = z.strictObject({
  orderType: z.enum(['market']).default('market'),
});

const PaperConfig = z.strictObject({
  /** Cash the paper ledger starts with, quote currency. */
  startingCash: decimalString.default('10000'),
  takerFeeBps: z.number().min(0).max(100).default(10),
  makerFeeBps: z.number().min(0).max(100).default(10),
  /** Fixed slippage applied against us on every paper market fill. */
  slippageBps: z.number().min(0).max(500).default(5),
});

/** The trading policy, one DynamoDB item. Unknown keys are errors: a typo never silently takes effect. */
export const PolicySchema = z.strictObject({
  /** DRY_RUN records decisions only; PAPER fills on market data; LIVE sends real orders. */
  mode: z.enum(['DRY_RUN', 'PAPER', 'LIVE']).default('PAPER'),
  /** Must be true, as well as mode LIVE, before a real order is sent. */
  liveTradingConfirmed: z.boolean().default(false),
  exchange: z.strictObject({ id: z.string().min(1).default('binance') }).default({ id: 'binance' }),
  timeframe: z.enum(TIMEFRAMES as [string, ...string[]]).default('1m'),
  symbols: z.array(symbol).min(1).default(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']),
  strategies: z.array(StrategyConfig).min(1).default([{ name: 'momentum', enabled: true, params: {} }]),
  risk: RiskConfig.default(RiskConfig.parse({})),
  execution: ExecutionConfig.default(ExecutionConfig.parse({})),
  paper: PaperConfig.default(PaperConfig.parse({})),
  /** Heartbeat older than this (seconds) means market data is stale. */
  staleDataSeconds: z.number().int().positive().default(180),
});

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
  /** Set when the active item was invalid and therefore not used. */
  readonly rejected?: {
    readonly version: number;
    readonly problems: readonly PolicyProblem[];
    /** True only for the load that first recorded this rejection, so the alert goes out once. */
    readonly firstSeen?: boolean;
  };
}

/** One validation problem, with its path in the document. */
export interface PolicyProblem {
  readonly path: string;
  readonly message: string;
}

/** Validates a policy document; never throws. */
export function validatePolicy(document: unknown):
  | { ok: true; policy: Policy }
  | { ok: false; problems: PolicyProblem[] } {
  const parsed = PolicySchema.safeParse(document);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
    };
  }
  const problems = sanityProblems(parsed.data);
  return problems.length ? { ok: false, problems } : { ok: true, policy: parsed.data };
}

/** Contradictions the schema cannot express. */
function sanityProblems(p: Policy): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  if (p.risk.stakePct > p.risk.maxPositionPct) {
    out.push({ path: 'risk.stakePct', message: `stakePct ${p.risk.stakePct} exceeds maxPositionPct ${p.risk.maxPositionPct}` });
  }
  if (p.risk.maxPositionPct > p.risk.maxTotalExposurePct) {
    out.push({ path: 'risk.maxPositionPct', message: 'maxPositionPct exceeds maxTotalExposurePct' });
  }
  if (p.mode === 'LIVE' && !p.liveTradingConfirmed) {
    out.push({ path: 'liveTradingConfirmed', message: 'mode LIVE needs liveTradingConfirmed: true' });
  }
  p.strategies.forEach((s, i) => {
    try {
      getStrategy(s.name).requiredCandles(s.params);
    } catch (error) {
      if (!(error instanceof StratusError)) throw error;
      out.push({ path: `strategies.${i}.${error.code === 'UNKNOWN_STRATEGY' ? 'name' : 'params'}`, message: error.message });
    }
  });
  p.strategies.forEach((s, i) => (s.symbols ?? []).forEach((sym, j) => {
    if (!p.symbols.includes(sym)) out.push({ path: `strategies.${i}.symbols.${j}`, message: `${sym} is not in symbols` });
  }));
  return out;
}

/** The default policy (schema defaults). */
export function defaultPolicy(): Policy {
  return PolicySchema.parse({});
}

/** JSON with object keys sorted at every level: the input to the policy hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 hex of the canonical policy. Every decision, order and fill carries it. */
export function policyHash(policy: Policy): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex');
}
