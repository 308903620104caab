/**
 * The go-live checklist as pure functions of its evidence: each check a stable code, PASS / FAIL / UNKNOWN and the
 * evidence line. Evidence that could not be read is UNKNOWN, which counts as not passed (fail closed).
 */
import type { KillSwitchState } from './kill-switch.js';
import type { Policy } from './policy.js';
import type { ReadinessCheck, ReadinessCode } from './readiness.js';

/** A piece of evidence, or why it could not be read. */
export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The out-of-sample summary `stratus go-live-record --walk-forward` stores. */
export interface WalkForwardEvidence {
  readonly strategy: string;
  readonly windows: number;
  readonly compoundedReturnPct: number;
  readonly meanTestSharpe: number | null;
  readonly recordedAt: number;
  readonly recordedBy: string;
}

/** The cost sweep `stratus go-live-record --cost-sweep` stores: bps applied to fee and slippage each. */
export interface CostSweepEvidence {
  readonly breakEvenBps: number | null;
  readonly levels: readonly { readonly bps: number; readonly totalReturnPct: number | null }[];
  readonly recordedAt: number;
  readonly recordedBy: string;
}

/** The last scheduled reconcile runs (RUN#reconcile): the last success with its summary, the last failure. */
export interface ReconcileRuns {
  readonly ok?: { readonly at: number; readonly summary?: Readonly<Record<string, unknown>> };
  readonly failed?: { readonly at: number; readonly error?: string };
}

/** Everything the checklist looks at, gathered by shared/services/readiness-check.ts. */
export interface ReadinessEvidence {
  readonly now: number;
  /** PAPER decisions on this deployment: how many and the first one's time. */
  readonly paper: Read<{ readonly decisions: number; readonly firstAt?: number }>;
  /** Paper results to date: drawdown from the highest day-end equity (%), Sharpe, orders and rejected orders. */
  readonly results: Read<{ readonly drawdownPct: number; readonly sharpe: number | null; readonly orders: number; readonly rejected: number }>;
  readonly walkForward: Read<WalkForwardEvidence | undefined>;
  readonly costSweep: Read<CostSweepEvidence | undefined>;
  readonly killSwitch: Read<KillSwitchState | undefined>;
  /** Subscriptions of the alert topic: confirmed ones, and those pending confirmation. */
  readonly alerts: Read<{ readonly confirmed: number; readonly pending: number }>;
  /** The exchange keys: absent (why), or present with the withdrawal permission as the exchange reports it (undefined: not reported). */
  readonly keys: Read<{ readonly present: false; readonly why: string } | { readonly present: true; readonly exchange: string; readonly withdrawals: boolean | undefined }>;
  readonly reconcile: Read<ReconcileRuns>;
}

const DAY_MS = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pass = (code: ReadinessCode, evidence: string): ReadinessCheck => ({ code, status: 'PASS', evidence });
const fail = (code: ReadinessCode, evidence: string): ReadinessCheck => ({ code, status: 'FAIL', evidence });
const judged = (code: ReadinessCode, ok: boolean, evidence: string): ReadinessCheck => (ok ? pass : fail)(code, evidence);

function check<T>(code: ReadinessCode, read: Read<T>, judge: (value: T) => ReadinessCheck): ReadinessCheck {
  return read.ok ? judge(read.value) : { code, status: 'UNKNOWN', evidence: `could not read the evidence: ${read.error}` };
}

/** Every check of the checklist under the policy's goLive thresholds, in READINESS_CODES order. */
export function runReadinessChecks(policy: Policy, e: ReadinessEvidence): ReadinessCheck[] {
  const g = policy.goLive;
  return [
    check('PAPER_HISTORY', e.paper, ({ decisions, firstAt }) => {
      if (firstAt === undefined) return fail('PAPER_HISTORY', `no PAPER decision on record; need ${g.minPaperDays} days`);
      const days = (e.now - firstAt) / DAY_MS;
      return judged('PAPER_HISTORY', days >= g.minPaperDays, `${days.toFixed(1)} days of PAPER history (first decision ${iso(firstAt)}, ${decisions} decisions); need ${g.minPaperDays}`);
    }),
    check('PAPER_DRAWDOWN', e.results, ({ drawdownPct: d }) =>
      judged('PAPER_DRAWDOWN', d <= g.maxPaperDrawdownPct, `paper drawdown ${d.toFixed(2)} % from the highest day-end equity; at most ${g.maxPaperDrawdownPct} %`)),
    check('PAPER_SHARPE', e.results, ({ sharpe }) => (sharpe === null
      ? fail('PAPER_SHARPE', `no paper Sharpe yet (fewer than two days of fills); need at least ${g.minPaperSharpe}`)
      : judged('PAPER_SHARPE', sharpe >= g.minPaperSharpe, `paper Sharpe to date ${sharpe.toFixed(3)}; need at least ${g.minPaperSharpe}`))),
    check('PAPER_ERROR_RATE', e.results, ({ orders, rejected }) => {
      const rate = orders === 0 ? 0 : (rejected / orders) * 100;
      return judged('PAPER_ERROR_RATE', orders > 0 && rate <= g.maxErrorRatePct,
        orders === 0 ? 'no paper orders on record' : `${rejected} of ${orders} paper orders rejected (${rate.toFixed(2)} %); at most ${g.maxErrorRatePct} %`);
    }),
    check('WALK_FORWARD', e.walkForward, (wf) => (wf === undefined
      ? fail('WALK_FORWARD', 'no walk-forward on record (stratus walk-forward --json F, then stratus go-live-record --walk-forward F)')
      : judged('WALK_FORWARD', wf.windows > 0 && wf.compoundedReturnPct > g.minWalkForwardReturnPct,
        `${wf.strategy}: ${wf.windows} out-of-sample windows, compounded ${wf.compoundedReturnPct.toFixed(3)} % (need above ${g.minWalkForwardReturnPct} %), recorded ${iso(wf.recordedAt)} by ${wf.recordedBy}`))),
    check('BREAK_EVEN_COST', e.costSweep, (cs) => breakEvenCheck(policy, cs)),
    check('KILL_SWITCH_DRILL', e.killSwitch, (ks) => {
      const history = ks?.history ?? [];
      const trip = history.find((h) => h.event === 'TRIP');
      const reset = trip && history.find((h) => h.event === 'RESET' && h.at >= trip.at);
      return trip && reset
        ? pass('KILL_SWITCH_DRILL', `tripped ${iso(trip.at)} by ${trip.by} (${trip.reason}), reset ${iso(reset.at)} by ${reset.by}`)
        : fail('KILL_SWITCH_DRILL', `${trip ? `tripped ${iso(trip.at)} but never reset since` : 'never tripped'}: trip it (stratus kill) and reset it (stratus reset) once`);
    }),
    check('ALERTS_SUBSCRIBED', e.alerts, ({ confirmed, pending }) =>
      judged('ALERTS_SUBSCRIBED', confirmed > 0, `${confirmed} confirmed subscription(s) on the alert topic, ${pending} pending confirmation`)),
    check('EXCHANGE_KEYS', e.keys, (k) => {
      if (!k.present) return fail('EXCHANGE_KEYS', `no exchange keys: ${k.why}`);
      if (k.withdrawals === undefined) return { code: 'EXCHANGE_KEYS', status: 'UNKNOWN', evidence: `keys present; ${k.exchange} does not report whether they may withdraw` };
      return judged('EXCHANGE_KEYS', !k.withdrawals, `keys present on ${k.exchange}; withdrawals ${k.withdrawals ? 'ENABLED: use a key without withdrawal permission' : 'disabled'}`);
    }),
    check('RECONCILE_CLEAN', e.reconcile, (r) => reconcileCheck(g.reconcileMaxAgeMinutes, e.now, r)),
  ];
}

/** Break-even (bps on fee and slippage each) must lie above the configured per-side cost: (takerFeeBps + slippageBps) / 2 each. */
function breakEvenCheck(policy: Policy, cs: CostSweepEvidence | undefined): ReadinessCheck {
  if (!cs) return fail('BREAK_EVEN_COST', 'no cost sweep on record (stratus cost-sweep --json F, then stratus go-live-record --cost-sweep F)');
  const configured = (policy.paper.takerFeeBps + policy.paper.slippageBps) / 2;
  const at = `configured fee ${policy.paper.takerFeeBps} bps + slippage ${policy.paper.slippageBps} bps = ${configured} bps each`;
  if (cs.breakEvenBps !== null) {
    return judged('BREAK_EVEN_COST', cs.breakEvenBps > configured, `break-even ${cs.breakEvenBps.toFixed(2)} bps (fee and slippage each); ${at}`);
  }
  const returns = cs.levels.filter((l) => l.totalReturnPct !== null);
  const top = Math.max(...returns.map((l) => l.bps));
  const allProfitable = returns.length > 0 && returns.every((l) => l.totalReturnPct! > 0);
  return judged('BREAK_EVEN_COST', allProfitable && top > configured,
    allProfitable ? `profitable at every level up to ${top} bps (break-even above it); ${at}` : `no break-even in range and not profitable at every level; ${at}`);
}

function reconcileCheck(maxAgeMinutes: number, now: number, r: ReconcileRuns): ReadinessCheck {
  const ok = r.ok;
  if (!ok) return fail('RECONCILE_CLEAN', 'no successful reconcile on record');
  if (r.failed && r.failed.at > ok.at) return fail('RECONCILE_CLEAN', `the last reconcile failed at ${iso(r.failed.at)}: ${r.failed.error ?? 'error'}`);
  const s = ok.summary ?? {};
  const drift = Array.isArray(s['driftCurrencies']) ? (s['driftCurrencies'] as unknown[]).length : 0;
  const findings = [drift ? `drift in ${(s['driftCurrencies'] as string[]).join(', ')}` : '',
    Number(s['unknownOpenOrders'] ?? 0) ? `${String(s['unknownOpenOrders'])} unknown open orders` : '',
    Number(s['problems'] ?? 0) ? `${String(s['problems'])} problems` : '', s['killSwitchTripped'] === true ? 'tripped the kill switch' : ''].filter(Boolean);
  const ageMin = (now - ok.at) / 60_000;
  if (ageMin > maxAgeMinutes) return fail('RECONCILE_CLEAN', `the last reconcile ran ${ageMin.toFixed(0)} min ago (${iso(ok.at)}); need one within ${maxAgeMinutes} min`);
  return judged('RECONCILE_CLEAN', findings.length === 0, `last reconcile ${iso(ok.at)}: ${findings.join(', ') || 'clean (no drift, no unknown orders, no problems)'}`);
}
