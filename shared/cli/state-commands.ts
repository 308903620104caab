import { effectiveStatus, initialKillSwitch, resetKillSwitch, tripKillSwitch, type KillSwitchState } from '../domain/kill-switch.js';
import { money } from '../domain/money.js';
import type { StateStore } from '../ports.js';
import { withLocalState } from '../local/live-operator.js';
import { iso, type CliContext } from './cli-context.js';
import type { CommandSpec } from './command-spec.js';
import { manualTripAlert, resetAlert, sendSwitchAlert } from './switch-alerts.js';

async function updateSwitch(state: StateStore, change: (s: KillSwitchState) => KillSwitchState): Promise<{ next: KillSwitchState; changed: boolean }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await state.getKillSwitch();
    const next = change(current?.value ?? initialKillSwitch());
    if (next === current?.value || (!current && next.history.length === 0)) return { next, changed: false };
    if (await state.putKillSwitch(next, current?.version ?? 0)) return { next, changed: true };
  }
  throw new Error('kill switch kept changing under us; try again');
}

/** `stratus kill --reason [--by]`: trips the kill switch by hand (alert KILL_SWITCH_TRIPPED, code MANUAL); no opening order leaves the pipeline until a reset. */
export async function killCommand(ctx: CliContext, values: { reason?: string; by?: string }): Promise<number> {
  if (!values.reason) throw new Error('kill needs --reason <text>');
  const by = values.by ?? ctx.user ?? 'operator';
  const at = ctx.clock.now();
  const { next, changed } = await updateSwitch(ctx.state(), (s) => tripKillSwitch(s, { reason: values.reason!, by, at }));
  ctx.out(`kill switch ${next.status} (${next.reason}, by ${next.changedBy}); trips so far ${next.tripCount}\n`);
  if (!changed) {
    ctx.out('already TRIPPED: no new alert\n');
    return 0;
  }
  return sendSwitchAlert(ctx, manualTripAlert(next, by, values.reason, at));
}

/** `stratus reset --by --reason`: the only way a tripped switch re-arms, through the policy's killSwitch.cooldownSeconds (alert KILL_SWITCH_RESET). */
export async function resetCommand(ctx: CliContext, values: { reason?: string; by?: string }): Promise<number> {
  if (!values.reason || !values.by) throw new Error('reset needs --by <who> and --reason <text>');
  const { policy } = await ctx.policies().peek();
  const at = ctx.clock.now();
  const { cooldownSeconds } = policy.killSwitch;
  const { next, changed } = await updateSwitch(ctx.state(), (s) => resetKillSwitch(s, { by: values.by!, reason: values.reason!, at, cooldownSeconds }));
  const until = next.status === 'COOLDOWN' && next.cooldownUntil !== undefined ? ` until ${iso(next.cooldownUntil)}` : '';
  ctx.out(`kill switch ${next.status}${until}\n`);
  if (!changed) {
    ctx.out('not tripped: nothing reset, no alert\n');
    return 0;
  }
  return sendSwitchAlert(ctx, resetAlert(next, values.by, values.reason, at, cooldownSeconds));
}

/** `stratus status`: kill switch, cash, positions. */
export async function statusCommand(ctx: CliContext): Promise<number> {
  const s = ctx.state();
  const [ks, ledger] = await Promise.all([s.getKillSwitch(), s.getLedger()]);
  const lines = [`kill switch  ${effectiveStatus(ks?.value, ctx.clock.now())}${ks?.value.reason ? ` (${ks.value.reason})` : ''}, trips ${ks?.value.tripCount ?? 0}`];
  if (ledger) {
    const l = ledger.value;
    lines.push(`cash         ${money(l.cash)}`, `realized PnL ${money(l.realizedPnl)}`, `fees paid    ${money(l.feesPaid)}`);
    for (const p of Object.values(l.positions)) lines.push(`position     ${p.symbol} ${money(p.quantity)} (cost ${money(p.costBasis)})`);
  } else lines.push('ledger       none yet');
  ctx.out(`${lines.join('\n')}\n`);
  return 0;
}

/** `stratus kill` as the CLI declares it. */
export const killSpec: CommandSpec = withLocalState({
  name: 'kill',
  summary: 'Trip the kill switch',
  usage: 'stratus kill --reason TEXT [--by WHO]',
  options: {
    reason: { type: 'string', value: 'TEXT', description: 'Why (required; recorded and sent in the alert)' },
    by: { type: 'string', value: 'WHO', description: 'Who trips it (default $USER)' },
  },
  details: 'No opening order leaves the pipeline until `stratus reset`. Needs STATE_TABLE (stack output) and AWS credentials.',
  run: (ctx, values) => killCommand(ctx, values as { reason?: string; by?: string }),
});

/** `stratus reset` as the CLI declares it. */
export const resetSpec: CommandSpec = withLocalState({
  name: 'reset',
  summary: 'Reset a tripped kill switch (then the policy\'s cooldown)',
  usage: 'stratus reset --by WHO --reason TEXT',
  options: {
    by: { type: 'string', value: 'WHO', description: 'Who resets it (required)' },
    reason: { type: 'string', value: 'TEXT', description: 'Why (required)' },
  },
  details: 'The switch re-arms after the policy\'s killSwitch.cooldownSeconds. Needs POLICY_TABLE, STATE_TABLE and AWS credentials.',
  run: (ctx, values) => resetCommand(ctx, values as { reason?: string; by?: string }),
});
