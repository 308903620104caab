/**
 * Dedup, escalation and resolution of one alert instance (kind, key), as pure steps over its stored
 * episode. An episode opens with the first send and closes with a resolve; within it, repeats inside the
 * dedup window are counted, not sent, and the count rides on the next send. No I/O and no clock: the
 * caller passes the times and stores the returned episode with a conditional write.
 */
import type { AlertKind, AlertRules, AlertSeverity } from './alert-catalog.js';

/** An operator alert (the Alerts port carries it; SNS → email / Slack). The dedup fields are set by the steps below. */
export interface Alert {
  readonly severity: AlertSeverity;
  /** Stable machine-readable kind from the alert matrix (alert-catalog.ts), e.g. KILL_SWITCH_TRIPPED. */
  readonly kind: AlertKind;
  /** Which instance of the condition (a symbol, an order id); defaults to the catalogue's key for the kind. */
  readonly key?: string;
  readonly title: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly at: number;
  /** Set by the dedup layer: a critical condition re-sent because it stayed unresolved past its escalation window. */
  readonly escalated?: boolean;
  /** Set by the dedup layer: the condition cleared (sent once per instance). */
  readonly resolved?: boolean;
  /** Set by the dedup layer: repeats of this instance not sent since the previous send, and when the first was. */
  readonly suppressed?: { readonly count: number; readonly since: number };
}

/** The stored state of one (kind, key). Times are epoch ms. */
export interface AlertEpisode {
  readonly kind: AlertKind;
  readonly key: string;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
  readonly lastSentAt: number;
  readonly sentSeverity: AlertSeverity;
  /** Reports of this episode: sent and suppressed. */
  readonly seen: number;
  readonly sent: number;
  /** Repeats suppressed since the last send, and when the first of them came. */
  readonly suppressed: number;
  readonly suppressedSince?: number;
  /** When a critical episode is due to escalate; cleared once it escalated or resolved. */
  readonly escalateAt?: number;
  readonly escalatedAt?: number;
  readonly resolvedAt?: number;
  /** The latest report, re-sent (marked) on escalation and named in the RESOLVED. */
  readonly last: Alert;
}

/** A step's outcome: the episode to store and, when one is due, the alert to send after the store succeeded. */
export interface AlertStep<A> {
  readonly next: AlertEpisode;
  readonly send?: A;
}

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

/** True when the episode is open (alerted and not resolved). */
export function isOpen(e: AlertEpisode | undefined): e is AlertEpisode {
  return e !== undefined && e.resolvedAt === undefined;
}

/** True when the report is suppressed: the episode is open, inside its dedup window, and the report is no more severe. */
export function isRepeat(prev: AlertEpisode | undefined, alert: Alert, rules: AlertRules): boolean {
  return isOpen(prev) && alert.at - prev.lastSentAt < rules.dedupMs && RANK[alert.severity] <= RANK[prev.sentSeverity];
}

/**
 * A report of the condition at alert.at: sent when no episode is open, when the window since the last send
 * has passed, or when it is more severe than the last send; otherwise counted as suppressed.
 */
export function publishStep<A extends Alert>(prev: AlertEpisode | undefined, alert: A & { key: string }, rules: AlertRules): AlertStep<A> {
  const now = alert.at;
  const open = isOpen(prev);
  if (open && isRepeat(prev, alert, rules)) {
    return {
      next: {
        ...prev, lastSeenAt: Math.max(prev.lastSeenAt, now), seen: prev.seen + 1, suppressed: prev.suppressed + 1,
        suppressedSince: prev.suppressedSince ?? now, last: alert,
      },
    };
  }
  const escalates = alert.severity === 'critical' && rules.escalation !== 'never';
  const alreadyEscalated = open && prev.escalatedAt !== undefined;
  const escalateAt = alreadyEscalated ? undefined : (open ? prev.escalateAt : undefined) ?? (escalates ? now + rules.escalateMs : undefined);
  const next: AlertEpisode = {
    kind: alert.kind, key: alert.key, firstSeenAt: open ? prev.firstSeenAt : now, lastSeenAt: now, lastSentAt: now,
    sentSeverity: alert.severity, seen: open ? prev.seen + 1 : 1, sent: open ? prev.sent + 1 : 1, suppressed: 0, last: alert,
    ...(escalateAt === undefined ? {} : { escalateAt }),
    ...(alreadyEscalated ? { escalatedAt: prev.escalatedAt } : {}),
  };
  return { next, send: withSuppressed(alert, open ? prev : undefined) };
}

/**
 * The escalation sweep at `now`: a critical episode past escalateAt, not resolved, is re-sent once marked
 * ESCALATED ('repeating' kinds only once reported again). Undefined when nothing is due.
 */
export function escalateStep(e: AlertEpisode | undefined, now: number, rules: AlertRules): AlertStep<Alert> | undefined {
  if (!isOpen(e) || e.escalateAt === undefined || now < e.escalateAt) return undefined;
  if (rules.escalation === 'never') return { next: withoutEscalation(e) };
  if (rules.escalation === 'repeating' && e.seen < 2) return undefined;
  const minutes = Math.round((now - e.firstSeenAt) / 60_000);
  const base: Alert = {
    ...e.last, severity: 'critical', at: now, escalated: true, title: `ESCALATED: ${e.last.title}`,
    message: `${e.last.message} — still unresolved ${minutes} min after ${clockTime(e.firstSeenAt)}.`,
  };
  const { escalateAt: _, ...rest } = e;
  return {
    next: { ...rest, escalatedAt: now, lastSentAt: now, sentSeverity: 'critical', sent: e.sent + 1, suppressed: 0, suppressedSince: undefined },
    send: withSuppressed(base, e),
  };
}

/** The condition cleared at `at`: one RESOLVED (info) for an open episode, naming what it was; undefined otherwise. */
export function resolveStep(e: AlertEpisode | undefined, at: number): AlertStep<Alert> | undefined {
  if (!isOpen(e)) return undefined;
  const minutes = Math.max(0, Math.round((at - e.firstSeenAt) / 60_000));
  const base: Alert = {
    kind: e.kind, key: e.key, severity: 'info', at, resolved: true, title: `RESOLVED: ${e.last.title}`,
    message: `Cleared at ${clockTime(at)}, ${minutes} min after it was first seen at ${clockTime(e.firstSeenAt)} (${e.seen} reports, ${e.sent} sent).`,
    ...(e.last.details ? { details: e.last.details } : {}),
  };
  return { next: { ...withoutEscalation(e), resolvedAt: at, suppressed: 0, suppressedSince: undefined }, send: withSuppressed(base, e) };
}

/** Closes an episode without a RESOLVED message (the publishing kind's own alert says so, e.g. a reset). */
export function closeStep(e: AlertEpisode | undefined, at: number): AlertEpisode | undefined {
  return isOpen(e) ? { ...withoutEscalation(e), resolvedAt: at } : undefined;
}

/** "(+41 similar suppressed since 07:01 UTC)" appended to the message, and the count as a field. */
function withSuppressed<A extends Alert>(alert: A, e: AlertEpisode | undefined): A {
  if (!e || e.suppressed === 0) return alert;
  const since = e.suppressedSince ?? e.lastSentAt;
  return {
    ...alert, suppressed: { count: e.suppressed, since },
    message: `${alert.message} (+${e.suppressed} similar suppressed since ${clockTime(since)})`,
  };
}

function withoutEscalation(e: AlertEpisode): AlertEpisode {
  const { escalateAt: _, ...rest } = e;
  return rest;
}

/** HH:MM UTC of an epoch ms. */
export function clockTime(t: number): string {
  return `${new Date(t).toISOString().slice(11, 16)} UTC`;
}
