// The component measures of the durability score (durability.ts): each component's measure and its piecewise-linear
// map to a 0–100 subscore. README "Durability score" has the same table.
import { dec } from './money.js';
import type { CapacityInput, ComponentName, CostInput, GapInput, OosInput, StabilityInput, Unavailable } from './durability.js';

/** Points of each component's piecewise-linear map from its measure to its subscore (clamped outside). */
export const MAPS: Readonly<Record<ComponentName, readonly (readonly [number, number])[]>> = {
  oos: [[0, 0], [0.5, 60], [1, 100]],
  cost: [[0, 0], [1, 40], [2, 70], [4, 100]],
  stability: [[0, 0], [1, 100]],
  capacity: [[0, 0], [1, 100]],
  gap: [[0, 0], [1, 100]],
};

/** Rounds to 0.1 (half away from zero), so figures print and serialise the same everywhere. */
export function round1(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x) * 10) / 10;
}

/** The piecewise-linear map through `points` (ascending x) at x, clamped to the first and last y. */
export function piecewise(points: readonly (readonly [number, number])[], x: number): number {
  const first = points[0]!;
  const last = points.at(-1)!;
  if (x <= first[0]) return first[1];
  if (x >= last[0]) return last[1];
  let i = 1;
  while (points[i]![0] < x) i++;
  const [x0, y0] = points[i - 1]!;
  const [x1, y1] = points[i]!;
  return y0 + ((x - x0) * (y1 - y0)) / (x1 - x0);
}


/** Break-even cost used by the score: the sweep's, else the highest level when profitable throughout, else 0. */
export function effectiveBreakEven(c: CostInput): number {
  if (c.breakEvenBps !== null) return c.breakEvenBps;
  return (c.lowestLevelReturnPct ?? 0) > 0 ? c.maxLevelBps : 0;
}

/** A component's measure (null: none defined), subscore and the line shown with it. */
export type Measured = { measure: number | null; subscore: number; detail: string };

/** Walk-forward efficiency: OOS ÷ IS per-day return. */
export function measureOos(o: OosInput): Measured {
  if (o.inSamplePerDayPct <= 0) {
    return { measure: null, subscore: o.outOfSamplePerDayPct > 0 ? 50 : 0, detail: 'in-sample not profitable: 50 if out-of-sample is, else 0' };
  }
  const e = o.outOfSamplePerDayPct / o.inSamplePerDayPct;
  return { measure: e, subscore: piecewise(MAPS.oos, e), detail: `per-day return OOS ${o.outOfSamplePerDayPct.toFixed(3)} % / IS ${o.inSamplePerDayPct.toFixed(3)} %` };
}

/** Break-even cost as a multiple of the fee. */
export function measureCost(c: CostInput): Measured {
  const b = effectiveBreakEven(c);
  const m = c.feeBps > 0 ? b / c.feeBps : (b > 0 ? 4 : 0);
  const bound = c.breakEvenBps === null && b > 0 ? ' (≥, profitable at every level)' : '';
  return { measure: m, subscore: piecewise(MAPS.cost, m), detail: `break-even ${round1(b)} bps${bound} vs fee ${c.feeBps} bps` };
}

/** Share of groups with a positive net PnL; null without groups. */
/** Groups whose net PnL (a decimal string) is positive. */
const profitable = (groups: Readonly<Record<string, string>>) => Object.values(groups).filter((v) => dec(v).gt(0)).length;

function share(groups: Readonly<Record<string, string>>): number | null {
  const n = Object.keys(groups).length;
  return n === 0 ? null : profitable(groups) / n;
}

/** Share of profitable symbols and regimes (their mean). */
export function measureStability(s: StabilityInput): Measured | Unavailable {
  const shares = [share(s.symbols), share(s.regimes)].filter((v): v is number => v !== null);
  if (shares.length === 0) return { unavailable: 'no closed trades to attribute' };
  const x = shares.reduce((a, v) => a + v, 0) / shares.length;
  const count = (g: Readonly<Record<string, string>>) => `${profitable(g)}/${Object.keys(g).length}`;
  return { measure: x, subscore: piecewise(MAPS.stability, x), detail: `profitable symbols ${count(s.symbols)}, regimes ${count(s.regimes)}` };
}

/** Return kept at the larger stakes, as a share of the 1× return. */
export function measureCapacity(c: CapacityInput): Measured {
  const base = c.runs[0]?.returnPct ?? null;
  if (base === null || base <= 0) return { measure: null, subscore: 0, detail: 'not profitable at 1× stake: nothing to scale' };
  const larger = c.runs.slice(1);
  const kept = larger.map((r) => Math.min(1, Math.max(0, (r.returnPct ?? 0) / base)));
  const x = kept.length === 0 ? 1 : kept.reduce((a, v) => a + v, 0) / kept.length;
  return { measure: x, subscore: piecewise(MAPS.capacity, x), detail: c.runs.map((r) => `${r.multiple}× ${r.returnPct === null ? '-' : r.returnPct.toFixed(3)} %`).join(', ') };
}

/** Recorded return as a share of the backtest's over the same window. */
export function measureGap(g: GapInput): Measured {
  const q = g.backtestReturnPct > 0 ? g.paperReturnPct / g.backtestReturnPct : (g.paperReturnPct >= g.backtestReturnPct ? 1 : 0);
  return { measure: q, subscore: piecewise(MAPS.gap, q), detail: `recorded ${g.paperReturnPct.toFixed(3)} % vs backtest ${g.backtestReturnPct.toFixed(3)} %` };
}
