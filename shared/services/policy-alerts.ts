import type { LoadedPolicy } from '../domain/policy.js';
import { MAX_MESSAGE_CHARS, MAX_PATH_CHARS, cut } from '../domain/policy-document.js';
import type { Alerts } from '../ports.js';

/** Problems listed in a POLICY_REJECTED alert; the message then gives the total (SNS caps a message at 256 KB). */
export const ALERT_LISTED_PROBLEMS = 20;

/**
 * Publishes a critical alert when the active policy item was rejected and an older policy stays in force: the first
 * ALERT_LISTED_PROBLEMS problems (paths and messages cut to size), the total, and whether the rejection could be recorded.
 */
export async function alertPolicyRejection(alerts: Alerts, loaded: LoadedPolicy, at: number): Promise<void> {
  const rejected = loaded.rejected;
  if (!rejected || rejected.firstSeen === false) return;
  const total = rejected.problemCount ?? rejected.problems.length;
  const listed = rejected.problems.slice(0, ALERT_LISTED_PROBLEMS)
    .map((p) => `${cut(p.path, MAX_PATH_CHARS)}: ${cut(p.message, MAX_MESSAGE_CHARS)}`);
  const more = total > listed.length ? [`… and ${total - listed.length} more (${total} problems in all; stratus policy rejections)`] : [];
  const unrecorded = rejected.recorded === false ? ['The rejection record could not be written; the policy in force is unchanged.'] : [];
  await alerts.publish({
    severity: 'critical', kind: 'POLICY_REJECTED', at,
    title: `Policy v${rejected.version} rejected; v${loaded.version} (${loaded.source}) stays in force`,
    message: [...listed, ...more, ...unrecorded].join('\n'),
    details: {
      rejectedVersion: rejected.version, inForceVersion: loaded.version, policyHash: loaded.hash, problemCount: total,
      ...(rejected.recorded === false ? { recorded: false } : {}),
    },
  });
}
