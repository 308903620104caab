import type { AlertSeverity } from '../../shared/ports.js';

/** A Slack incoming-webhook payload: fallback text plus Block Kit blocks. */
export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

/** What the notifier understood an SNS message to be. */
export interface ParsedNotice {
  readonly severity: AlertSeverity;
  readonly kind: string;
  readonly title: string;
  readonly message: string;
  readonly fields: readonly (readonly [string, string])[];
  readonly at?: string;
  /** Re-sent by the dedup layer because a critical condition stayed unresolved: the message mentions someone. */
  readonly escalated?: boolean;
  /** The condition cleared (a Stratus RESOLVED, or an alarm back to OK). */
  readonly resolved?: boolean;
}

/** Who an ESCALATED message mentions when none is configured. */
export const DEFAULT_ESCALATION_MENTION = '<!channel>';

/**
 * The Slack mention for a configured target: `here`/`channel`/`everyone`, a user id (U…/W…), a user-group id
 * (S…), or a ready-made `<…>` token; blank means @channel.
 */
export function slackMention(target: string | undefined): string {
  const t = target?.trim() ?? '';
  if (!t) return DEFAULT_ESCALATION_MENTION;
  if (t.startsWith('<') && t.endsWith('>')) return t;
  if (/^(here|channel|everyone)$/.test(t)) return `<!${t}>`;
  if (/^S[A-Z0-9]+$/.test(t)) return `<!subteam^${t}>`;
  if (/^[UW][A-Z0-9]+$/.test(t)) return `<@${t}>`;
  throw new RangeError(`not a Slack mention target: ${t} (here, channel, a U…/W… user id or an S… group id)`);
}

const ICON: Record<AlertSeverity, string> = { info: 'ℹ️', warning: '⚠️', critical: '🚨' };
const SEVERITIES: readonly string[] = ['info', 'warning', 'critical'];
const ALARM_SEVERITY: Record<string, AlertSeverity> = { ALARM: 'critical', INSUFFICIENT_DATA: 'warning', OK: 'info' };
const MAX_FIELDS = 10;

/**
 * Reads an SNS message as a Stratus Alert (JSON with severity/kind/title/message), a CloudWatch alarm
 * notification, or plain text, in that order. Never throws: anything unrecognised becomes a warning.
 */
export function parseNotice(subject: string | null | undefined, body: string): ParsedNotice {
  const json = tryJson(body);
  if (isRecord(json) && typeof json.title === 'string' && typeof json.message === 'string') {
    const severity = SEVERITIES.includes(String(json.severity)) ? (json.severity as AlertSeverity) : 'warning';
    const details = isRecord(json.details) ? Object.entries(json.details) : [];
    return {
      severity, kind: typeof json.kind === 'string' ? json.kind : 'ALERT', title: json.title, message: json.message,
      fields: details.map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as const),
      ...(typeof json.at === 'number' && Number.isFinite(json.at) ? { at: new Date(json.at).toISOString() } : {}),
      ...(json.escalated === true ? { escalated: true } : {}),
      ...(json.resolved === true ? { resolved: true } : {}),
    };
  }
  if (isRecord(json) && typeof json.AlarmName === 'string') {
    const state = String(json.NewStateValue ?? 'UNKNOWN');
    return {
      severity: ALARM_SEVERITY[state] ?? 'warning', kind: `ALARM_${state}`,
      title: `${state === 'OK' ? 'Resolved' : 'Alarm'}: ${json.AlarmName}`,
      message: String(json.NewStateReason ?? json.AlarmDescription ?? ''),
      fields: typeof json.AlarmDescription === 'string' ? [['description', json.AlarmDescription]] : [],
      ...(typeof json.StateChangeTime === 'string' ? { at: json.StateChangeTime } : {}),
      ...(state === 'OK' ? { resolved: true } : {}),
    };
  }
  return { severity: 'warning', kind: 'NOTICE', title: subject || 'Stratus notification', message: body, fields: [] };
}

/**
 * Formats a notice for Slack; user text is escaped so it cannot ping channels or inject links. Only an
 * ESCALATED notice mentions someone: `mention`, a Slack token (slackMention), @channel by default.
 */
export function toSlackPayload(n: ParsedNotice, mention: string = DEFAULT_ESCALATION_MENTION): SlackPayload {
  const mark = n.escalated ? 'ESCALATED' : n.resolved ? 'RESOLVED' : undefined;
  const context = [...(mark ? [`*${mark}*`] : []), `*${n.severity.toUpperCase()}*`, `\`${escape(n.kind)}\``, ...(n.at ? [escape(n.at)] : [])].join('  ·  ');
  const ping = n.escalated ? `${mention} ` : '';
  const fields = n.fields.slice(0, MAX_FIELDS).map(([k, v]) => ({ type: 'mrkdwn', text: truncate(`*${escape(k)}*\n${escape(v)}`, 2000) }));
  return {
    text: `${ping}${truncate(`${ICON[n.severity]} [${n.severity.toUpperCase()}] ${n.kind}: ${n.title}`, 3000)}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(`${ICON[n.severity]} ${n.title}`, 150), emoji: true } },
      ...(n.escalated ? [{ type: 'section', text: { type: 'mrkdwn', text: `${mention} *ESCALATED*: still unresolved, needs a human` } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
      ...(n.message ? [{ type: 'section', text: { type: 'mrkdwn', text: n.kind === 'DAILY_REPORT' ? `\`\`\`${truncate(escape(n.message), 2990)}\`\`\`` : truncate(escape(n.message), 3000) } }] : []),
      ...(fields.length ? [{ type: 'section', fields }] : []),
    ],
  };
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
