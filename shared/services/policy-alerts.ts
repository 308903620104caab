import type { LoadedPolicy } from '../domain/policy.js';
import type { Alerts } from '../ports.js';

/** Publishes a critical alert when the active policy item was rejected and an older policy stays in force. */
export async function alertPolicyRejection(alerts: Alerts, loaded: LoadedPolicy, at: number): Promise<void> {
  if (!loaded.rejected || loaded.rejected.firstSeen === false) return;
  await alerts.publish({
    severity: 'critical', kind: 'POLICY_REJECTED', at,
    title: `Policy v${loaded.rejected.version} rejected; v${loaded.version} (${loaded.source}) stays in force`,
    message: loaded.rejected.problems.map((p) => `${p.path}: ${p.message}`).join('\n'),
    details: { rejectedVersion: loaded.rejected.version, inForceVersion: loaded.version, policyHash: loaded.hash },
  });
}
