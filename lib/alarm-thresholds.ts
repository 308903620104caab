import type { Node } from 'constructs';
import { defaultPolicy } from '../shared/domain/policy.js';

/** Share of lossLimits.maxDrawdownPct at which the drawdown warning fires, before the kill switch trips at 100 %. */
const DRAWDOWN_WARN_SHARE = 0.7;

/** The deployment's alarm thresholds: cdk.json context keys (or `-c key=value`). */
export const ALARM_CONTEXT = {
  drawdownWarnPct: 'alarmDrawdownWarnPct',
  exposurePct: 'alarmExposurePct',
  apiErrorBurst: 'alarmApiErrorBurst',
  rejectionBurst: 'alarmRejectionBurst',
  latencyP99Ms: 'alarmLatencyP99Ms',
  durationPctOfTimeout: 'alarmDurationPctOfTimeout',
  signalCadences: 'alarmSignalCadences',
} as const;

/** Every alarm threshold, resolved. */
export type AlarmThresholds = Readonly<Record<keyof typeof ALARM_CONTEXT, number>>;

/**
 * The defaults, in this one place. The drawdown warning is 70 % of the policy schema's default
 * lossLimits.maxDrawdownPct (10 % → 7 %); a deployment whose policy sets another limit sets alarmDrawdownWarnPct.
 */
export const ALARM_DEFAULTS: AlarmThresholds = Object.freeze({
  drawdownWarnPct: DRAWDOWN_WARN_SHARE * (defaultPolicy().lossLimits.maxDrawdownPct ?? 10),
  exposurePct: 80,
  apiErrorBurst: 5,
  rejectionBurst: 3,
  latencyP99Ms: 2_000,
  durationPctOfTimeout: 80,
  signalCadences: 2,
});

/** Thresholds from the construct tree's context over ALARM_DEFAULTS; a value that is not a positive number throws. */
export function alarmThresholds(node: Node): AlarmThresholds {
  const out: Record<string, number> = {};
  for (const [key, contextKey] of Object.entries(ALARM_CONTEXT) as [keyof AlarmThresholds, string][]) {
    const raw: unknown = node.tryGetContext(contextKey);
    const value = raw === undefined || raw === '' ? ALARM_DEFAULTS[key] : Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`context ${contextKey} must be a positive number, got ${JSON.stringify(raw)}`);
    out[key] = value;
  }
  for (const key of ['durationPctOfTimeout', 'drawdownWarnPct', 'exposurePct'] as const) {
    if (out[key]! > 100) throw new Error(`context ${ALARM_CONTEXT[key]} must be at most 100 (a percentage), got ${out[key]}`);
  }
  // The NoSignalRun period is this many signal cadences: CloudWatch takes only whole minutes for a Lambda metric.
  if (!Number.isInteger(out.signalCadences)) throw new Error(`context ${ALARM_CONTEXT.signalCadences} must be a whole number of cadences, got ${out.signalCadences}`);
  return Object.freeze(out) as AlarmThresholds;
}
