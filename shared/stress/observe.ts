import type { Candle, Timeframe } from '../domain/candle.js';
import type { Decision } from '../domain/decision.js';
import type { KillSwitchState } from '../domain/kill-switch.js';
import type { Ledger } from '../domain/ledger.js';
import type { Fill, OrderRecord } from '../domain/order.js';
import { runEmbedded, type EmbeddedHooks } from '../local/embedded.js';
import type { EmbeddedSummary } from '../local/summary.js';
import type { Alert } from '../domain/alert-dedup.js';
import type { Deps } from '../runtime/deps.js';
import { override } from './faults.js';

/** One scheduled invocation's output, as the local scheduler saw it. */
export interface Invocation {
  readonly job: string;
  readonly at: number;
  readonly out: Readonly<Record<string, unknown>>;
}

/** Everything a scenario judges: the run summary and the final state read out of the emulated tables. */
export interface Observation {
  readonly summary: EmbeddedSummary;
  readonly decisions: readonly Decision[];
  readonly orders: readonly OrderRecord[];
  readonly fills: readonly Fill[];
  readonly ledger: Ledger | undefined;
  readonly killSwitch: KillSwitchState | undefined;
  readonly invocations: readonly Invocation[];
  /** Every alert the functions published, before deduplication (the summary's alerts count what was delivered). */
  readonly published: readonly Alert[];
}

/** What to replay, under which policy, with which faults (runEmbedded's hooks). */
export interface ObserveOptions {
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
  readonly warmup?: Readonly<Record<string, readonly Candle[]>>;
  readonly timeframe: Timeframe;
  readonly policy: Record<string, unknown>;
  readonly wrapDeps?: (deps: Deps) => Deps;
  readonly beforeStep?: EmbeddedHooks['beforeStep'];
}

/** Runs the embedded pipeline once and reads its final state (through the unwrapped adapters). */
export async function observe(o: ObserveOptions): Promise<Observation> {
  const invocations: Invocation[] = [];
  const published: Alert[] = [];
  const recorded = (deps: Deps): Deps => ({
    ...deps, alerts: override(deps.alerts, { publish: async (a: Alert) => { published.push(a); await deps.alerts.publish(a); } }),
  });
  let real: Deps | undefined;
  let final: Omit<Observation, 'summary' | 'invocations' | 'published'> | undefined;
  const summary = await runEmbedded({
    candles: o.candles, timeframe: o.timeframe, policy: o.policy, ...(o.warmup ? { warmup: o.warmup } : {}),
    hooks: {
      wrapDeps: (deps) => { real = deps; return recorded(o.wrapDeps ? o.wrapDeps(deps) : deps); },
      ...(o.beforeStep ? { beforeStep: o.beforeStep } : {}),
      onInvoked: (job, at, out) => { invocations.push({ job, at, out: (out ?? {}) as Record<string, unknown> }); },
    },
    onFinished: async () => {
      const state = real!.state;
      final = {
        decisions: await state.listDecisions(), orders: await state.listOrders(), fills: await state.listFills(),
        ledger: (await state.getLedger())?.value, killSwitch: (await state.getKillSwitch())?.value,
      };
    },
  });
  return { summary, invocations, published, ...final! };
}
