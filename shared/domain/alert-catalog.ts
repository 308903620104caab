/**
 * The alert matrix: every kind of operator alert Stratus sends, with its default severity, the key that
 * names one instance of the condition, its dedup window and how it escalates. Alert.kind is typed as
 * AlertKind, so publishing a kind that is not catalogued fails the typecheck. A deployment may override the
 * windows per kind (AlertOverrides, the ALERT_OVERRIDES variable); the defaults live only here.
 */
import * as z from 'zod';

/** How loud an alert is; critical ones escalate (see AlertTypeSpec.escalation). */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/**
 * When a critical instance is re-sent marked ESCALATED: `unresolved` — once, escalateAfterSeconds after it was
 * first sent, unless its emitter resolved it first; `repeating` — the same, but only once it has been reported
 * again (a one-shot alert is never escalated); `never`.
 */
export type Escalation = 'unresolved' | 'repeating' | 'never';

/** One row of the matrix. */
export interface AlertTypeSpec {
  readonly label: string;
  readonly severity: AlertSeverity;
  /** `stratus`: published by Stratus code (deduped here); `alarm`: a CloudWatch alarm notification on the topic. */
  readonly source: 'stratus' | 'alarm';
  readonly dedupSeconds: number;
  readonly escalation: Escalation;
  readonly escalateAfterSeconds: number;
  /** The instance key in words (README). */
  readonly keyDoc: string;
  /** The instance key of an alert published without an explicit `key`. */
  readonly key: (alert: { readonly details?: Readonly<Record<string, unknown>> }) => string;
  /** Who sends the one RESOLVED, in words. */
  readonly resolvedBy?: string;
  /** Publishing this kind resolves the open instance (same key) of that kind: a reset resolves the trip. */
  readonly resolves?: string;
}

const DEDUP = 60;
const ESCALATE = 120;
const fixed = (key: string) => () => key;
const detail = (name: string, fallback: string) => (a: { readonly details?: Readonly<Record<string, unknown>> }) => {
  const v = a.details?.[name];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : fallback;
};
const stratus = { source: 'stratus', dedupSeconds: DEDUP, escalateAfterSeconds: ESCALATE } as const;
const alarm = {
  source: 'alarm', dedupSeconds: 0, escalation: 'never', escalateAfterSeconds: ESCALATE, keyDoc: 'alarm name',
  key: fixed('alarm'), resolvedBy: 'the alarm returning to OK',
} as const;

/** The catalogue, by kind. */
export const ALERT_CATALOG = {
  KILL_SWITCH_TRIPPED: {
    ...stratus, label: 'Kill switch tripped: automatic (daily stop DAILY_LOSS_LIMIT, weekly stop WEEKLY_LOSS_LIMIT, max drawdown MAX_DRAWDOWN, CONSECUTIVE_LOSSES, API error burst ERROR_BURST, BALANCE_DRIFT) or manual (MANUAL); details.code says which',
    severity: 'critical', escalation: 'unresolved', keyDoc: 'the switch (one instance)', key: fixed('kill-switch'),
    resolvedBy: 'KILL_SWITCH_RESET (`stratus reset`)',
  },
  KILL_SWITCH_RESET: {
    ...stratus, label: 'Kill switch reset (cooldown, then armed)', severity: 'warning', escalation: 'never',
    keyDoc: 'the switch', key: fixed('kill-switch'), resolves: 'KILL_SWITCH_TRIPPED',
  },
  KILL_SWITCH_CANCEL_FAILED: {
    ...stratus, label: 'Kill switch: open entries not cancelled', severity: 'critical', escalation: 'repeating',
    keyDoc: 'the switch', key: fixed('kill-switch'),
  },
  POLICY_REJECTED: {
    ...stratus, label: 'Policy rejected (the last valid one stays in force)', severity: 'critical', escalation: 'repeating',
    keyDoc: 'rejected version', key: (a) => `v${detail('rejectedVersion', '?')(a)}`,
  },
  STATE_UNREADABLE: {
    ...stratus, label: 'State unreadable (new orders stopped, fail closed)', severity: 'critical', escalation: 'repeating',
    keyDoc: 'the state table', key: fixed('state'),
  },
  MARKET_DATA_STALE: {
    ...stratus, label: 'Market data stale (critical once degraded)', severity: 'warning', dedupSeconds: 900, escalation: 'unresolved',
    keyDoc: 'the market stream', key: fixed('market-stream'), resolvedBy: 'the signal cycle, on a fresh heartbeat',
  },
  RECONCILE_DRIFT: {
    ...stratus, label: 'Reconcile drift (balances, adopted or unknown orders)', severity: 'warning', dedupSeconds: 3600, escalation: 'never',
    keyDoc: 'the account', key: fixed('account'), resolvedBy: 'reconcile, on a run that finds nothing',
  },
  ORDER_REJECTED: {
    ...stratus, label: 'Order rejected by the exchange (a rejection burst is one alert with a count)', severity: 'warning',
    escalation: 'never', keyDoc: 'symbol', key: detail('symbol', 'order'),
  },
  ORDER_REFUSED: {
    ...stratus, label: 'Order refused by execution (no matching approved decision)', severity: 'critical', escalation: 'repeating',
    keyDoc: 'client order id', key: detail('clientOrderId', 'order'),
  },
  ORDER_UNRESOLVED: {
    ...stratus, label: 'Order outcome unknown past the settle window', severity: 'critical', escalation: 'repeating',
    keyDoc: 'client order id', key: (a) => detail('clientOrderId', detail('orderId', 'order')(a))(a),
  },
  DAILY_REPORT: {
    ...stratus, label: 'Daily report (digest)', severity: 'info', escalation: 'never', keyDoc: 'UTC day', key: detail('day', 'day'),
  },
  ALARM: { ...alarm, label: 'CloudWatch alarm state change (any alarm; the Slack kind is ALARM_<state>)', severity: 'critical' },
  EXCHANGE_LATENCY: { ...alarm, label: 'Exchange latency (alarm ExchangeLatency)', severity: 'warning' },
  API_ERROR_BURST: { ...alarm, label: 'Exchange API error burst (alarm ApiErrorBurst; the kill switch also trips on ERROR_BURST)', severity: 'critical' },
  REJECTION_BURST: { ...alarm, label: 'Order rejection burst (alarm RejectionBurst)', severity: 'warning' },
  EMPTY_UNIVERSE: { ...alarm, label: 'Empty universe: no symbol evaluated (alarm EmptyUniverse)', severity: 'critical' },
  EXCEPTION_BURST: { ...alarm, label: 'Exception burst: function errors, throttles or timeouts (alarms `<function>` Errors/Throttles/Duration)', severity: 'critical' },
} as const satisfies Record<string, AlertTypeSpec>;

/** Every alert kind; Alert.kind has this type. */
export type AlertKind = keyof typeof ALERT_CATALOG;

/** All kinds, in catalogue order. */
export const ALERT_KINDS = Object.keys(ALERT_CATALOG) as AlertKind[];

/** The catalogue row of a kind. */
export function alertSpec(kind: AlertKind): AlertTypeSpec {
  return ALERT_CATALOG[kind];
}

const seconds = z.number().int().min(0).max(7 * 86_400);
const Override = z.strictObject({
  dedupSeconds: seconds.optional(),
  escalateAfterSeconds: seconds.min(30).optional(),
  escalation: z.enum(['unresolved', 'repeating', 'never']).optional(),
});

/** A deployment's per-kind overrides of the catalogue's windows, e.g. {"MARKET_DATA_STALE":{"dedupSeconds":300}}. */
export const AlertOverridesSchema = z.partialRecord(z.enum(ALERT_KINDS as [AlertKind, ...AlertKind[]]), Override);

/** Parsed AlertOverridesSchema. */
export type AlertOverrides = z.infer<typeof AlertOverridesSchema>;

/** The dedup and escalation rules in force for a kind: windows in ms. */
export interface AlertRules {
  readonly dedupMs: number;
  readonly escalateMs: number;
  readonly escalation: Escalation;
}

/** The catalogue's rules for `kind` with the deployment's override applied. */
export function alertRules(kind: AlertKind, overrides: AlertOverrides = {}): AlertRules {
  const spec = alertSpec(kind);
  const o = overrides[kind] ?? {};
  return {
    dedupMs: (o.dedupSeconds ?? spec.dedupSeconds) * 1000,
    escalateMs: (o.escalateAfterSeconds ?? spec.escalateAfterSeconds) * 1000,
    escalation: o.escalation ?? spec.escalation,
  };
}

/** Parses the ALERT_OVERRIDES JSON text (absent or blank: none); a problem names what is wrong. */
export function parseAlertOverrides(text: string | undefined): { overrides: AlertOverrides } | { problem: string } {
  if (!text?.trim()) return { overrides: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = AlertOverridesSchema.safeParse(json);
  return parsed.success
    ? { overrides: parsed.data }
    : { problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}
