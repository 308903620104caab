import { effectiveStatus, initialKillSwitch, resetKillSwitch, tripKillSwitch } from '../domain/kill-switch.js';
import type { KillSwitchState } from '../domain/kill-switch.js';
import { money } from '../domain/money.js';
import { DynamoStateStore } from '../adapters/dynamo-state-store.js';
import { dynamoDocumentClient } from '../adapters/aws-clients.js';
import { systemClock } from '../runtime/deps.js';
import { ENV } from '../resources.js';

function store(): DynamoStateStore {
  const table = process.env[ENV.stateTable];
  if (!table) throw new Error(`set ${ENV.stateTable} to the deployed state table name (stack output StateTableName)`);
  return new DynamoStateStore({ tableName: table, client: dynamoDocumentClient() });
}

async function updateSwitch(change: (s: KillSwitchState) => KillSwitchState): Promise<KillSwitchState> {
  const s = store();
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await s.getKillSwitch();
    const next = change(current?.value ?? initialKillSwitch());
    if (await s.putKillSwitch(next, current?.version ?? 0)) return next;
  }
  throw new Error('kill switch kept changing under us; try again');
}

/** `stratus kill --reason`: trips the kill switch by hand. */
export async function killCommand(values: { reason?: string; by?: string }): Promise<number> {
  if (!values.reason) throw new Error('kill needs --reason <text>');
  const by = values.by ?? process.env.USER ?? 'operator';
  const next = await updateSwitch((s) => tripKillSwitch(s, { reason: values.reason!, by, at: systemClock.now() }));
  process.stdout.write(`kill switch ${next.status} (${next.reason})\n`);
  return 0;
}

/** `stratus reset --by --reason`: the only way a tripped switch re-arms. */
export async function resetCommand(values: { reason?: string; by?: string }): Promise<number> {
  if (!values.reason || !values.by) throw new Error('reset needs --by <who> and --reason <text>');
  const next = await updateSwitch((s) => resetKillSwitch(s, { by: values.by!, reason: values.reason!, at: systemClock.now(), cooldownSeconds: 0 }));
  process.stdout.write(`kill switch ${next.status}\n`);
  return 0;
}

/** `stratus status`: kill switch, cash, positions. */
export async function statusCommand(): Promise<number> {
  const s = store();
  const ks = await s.getKillSwitch();
  const ledger = await s.getLedger();
  const now = systemClock.now();
  const lines = [`kill switch  ${effectiveStatus(ks?.value, now)}${ks?.value.reason ? ` (${ks.value.reason})` : ''}, trips ${ks?.value.tripCount ?? 0}`];
  if (ledger) {
    const l = ledger.value;
    lines.push(`cash         ${money(l.cash)}`, `realized PnL ${money(l.realizedPnl)}`, `fees paid    ${money(l.feesPaid)}`);
    for (const p of Object.values(l.positions)) lines.push(`position     ${p.symbol} ${money(p.quantity)} (cost ${money(p.costBasis)})`);
  } else lines.push('ledger       none yet');
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
