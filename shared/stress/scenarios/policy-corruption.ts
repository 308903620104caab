import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../adapters/aws-clients.js';
import { DynamoPolicyStore } from '../../adapters/dynamo-policy-store.js';
import type { Deps } from '../../runtime/deps.js';
import { booksBalance, runtimeClean } from '../books.js';
import { crashWindow } from '../crash-data.js';
import { observe, type Observation } from '../observe.js';
import { busyPolicy } from '../policies.js';
import { atLeast, checkSabotage, criterion, equals, type Scenario } from '../scenario.js';

const H = 3_600_000;
const FROM = Date.UTC(2025, 9, 10, 8);
const TO = Date.UTC(2025, 9, 10, 12);
/** When each raw corrupt item lands in the policy table, and when a valid policy is written again. */
export const CORRUPTIONS = [
  { at: FROM + 1 * H, name: 'out-of-range value', document: JSON.stringify({ ...busyPolicy(), risk: { stakePct: -5 } }) },
  { at: FROM + 1.5 * H, name: 'not JSON', document: '{"symbols": ["BTC/USDT"' },
  { at: FROM + 2 * H, name: 'unknown key', document: JSON.stringify({ ...busyPolicy(), riskk: {} }) },
] as const;
/** When the operator writes a valid policy again (through the store, validated). */
export const REPAIRED_AT = FROM + 3 * H;

/** What the policy corruption scenario measures besides the pipeline's state. */
export interface PolicyObservation extends Observation {
  readonly hashBefore: string;
  readonly hashAfter: string;
  readonly rejectedVersions: number;
}

/** Writes the policy item raw (no validation), as `aws dynamodb put-item` would, at a version above every earlier one. */
async function putRaw(deps: Deps, document: string, version: number): Promise<void> {
  await dynamoDocumentClient().send(new PutCommand({ TableName: deps.config.tables.policy, Item: { pk: 'POLICY', sk: 'ACTIVE', version, document } }));
}

/** Corrupt policy items written straight to the table mid-session: the last valid policy stays in force, each is alerted once. */
export const policyCorruption: Scenario<PolicyObservation> = {
  name: 'policy-corruption',
  title: 'corrupt policy items written raw: last valid policy stays in force, one alert per bad version, a valid write takes over',
  fast: true,
  sabotages: {},
  async observe(options) {
    checkSabotage(this, options);
    const { candles, warmup } = await crashWindow({ from: FROM, to: TO });
    let hashBefore = '';
    let hashAfter = '';
    let rejectedVersions = 0;
    let version = 1;
    const o = await observe({
      candles, warmup, timeframe: '5m', policy: busyPolicy(),
      beforeStep: async (at, deps) => {
        if (at === FROM + 5 * 60_000) hashBefore = (await deps.policies.load()).hash;
        const bad = CORRUPTIONS.find((c) => c.at === at);
        if (bad) await putRaw(deps, bad.document, ++version);
        if (at === REPAIRED_AT) {
          await deps.policies.write(busyPolicy({ risk: { stakePct: 4, maxPositionPct: 10, maxTotalExposurePct: 80, maxOpenPositions: 7 } }), { by: 'stress-operator', at });
        }
        if (at === TO) {
          hashAfter = (await deps.policies.load()).hash;
          rejectedVersions = (await new DynamoPolicyStore({ tableName: deps.config.tables.policy, clock: deps.clock }).rejections(20)).length;
        }
      },
    });
    return { ...o, hashBefore, hashAfter, rejectedVersions };
  },
  judge(o) {
    const corrupt = (t: number) => t >= CORRUPTIONS[0].at && t < REPAIRED_AT;
    const during = o.decisions.filter((d) => corrupt(d.decidedAt));
    const after = o.decisions.filter((d) => d.decidedAt >= REPAIRED_AT + 10 * 60_000);
    const published = o.published.filter((a) => a.kind === 'POLICY_REJECTED').length;
    const delivered = o.summary.alerts.byKind['POLICY_REJECTED'] ?? 0;
    return [
      atLeast('decisions while the item is corrupt', during.length, 1),
      equals('decisions under another policy than the last valid', during.filter((d) => d.policyHash !== o.hashBefore).length, 0),
      equals('corrupt versions recorded as rejected', o.rejectedVersions, CORRUPTIONS.length),
      criterion('POLICY_REJECTED alerts: one per bad version', `published ≥ ${CORRUPTIONS.length}, delivered ${CORRUPTIONS.length}..${2 * CORRUPTIONS.length} (one ESCALATED re-send each)`,
        `published ${published}, delivered ${delivered}`, published >= CORRUPTIONS.length && delivered >= CORRUPTIONS.length && delivered <= 2 * CORRUPTIONS.length),
      criterion('the valid write takes over', 'decisions after it under its new hash', `${after.filter((d) => d.policyHash === o.hashAfter).length}/${after.length}`,
        after.length > 0 && o.hashAfter !== o.hashBefore && after.every((d) => d.policyHash === o.hashAfter)),
      booksBalance(o),
      runtimeClean(o),
    ];
  },
};
