/**
 * The durability score (`stratus durability`): five measured components, each mapped to a 0–100 subscore by a
 * piecewise-linear map, combined as a weighted mean over the components that were measured (the weights of an
 * unavailable one renormalise over the rest), rated by bands, then capped by hard floors. Pure and deterministic:
 * every figure is rounded to 0.1 so the same measurements give byte-identical JSON. README "Durability score".
 */
import {
  effectiveBreakEven, measureCapacity, measureCost, measureGap, measureOos, measureStability, round1, type Measured,
} from './durability-measures.js';

/** The maps and helpers the score is built from, for its callers and tests. */
export { effectiveBreakEven, MAPS, piecewise, round1 } from './durability-measures.js';

/** The ratings, worst first. */
export const RATINGS = ['unviable', 'poor', 'marginal', 'good', 'excellent'] as const;
/** One rating. */
export type Rating = (typeof RATINGS)[number];

/** Lowest score of each band (a score at or above `min` and below the next band's `min` gets `rating`). */
export const RATING_BANDS: readonly { readonly rating: Rating; readonly min: number }[] = [
  { rating: 'excellent', min: 80 }, { rating: 'good', min: 65 }, { rating: 'marginal', min: 50 }, { rating: 'poor', min: 30 }, { rating: 'unviable', min: 0 },
];

/** The components, in the order they are shown. */
export const COMPONENTS = ['oos', 'cost', 'stability', 'capacity', 'gap'] as const;
/** One component. */
export type ComponentName = (typeof COMPONENTS)[number];

/** Nominal weights (sum 100); those of unavailable components are spread over the others in proportion. */
export const WEIGHTS: Readonly<Record<ComponentName, number>> = { oos: 30, cost: 25, stability: 15, capacity: 15, gap: 15 };

/** A component that could not be measured, and why (printed, never silently replaced). */
export interface Unavailable { readonly unavailable: string }

/** Walk-forward: mean per-day return (%) of the train (in-sample) and test (out-of-sample) windows, compounded OOS return. */
export interface OosInput { readonly inSamplePerDayPct: number; readonly outOfSamplePerDayPct: number; readonly compoundedOosReturnPct: number }
/** Cost sweep: break-even cost (bps on fee and slippage each; null none in range), its highest level, return at its lowest level, the policy's fee. */
export interface CostInput { readonly breakEvenBps: number | null; readonly maxLevelBps: number; readonly lowestLevelReturnPct: number | null; readonly feeBps: number }
/** Net PnL (quote, exact decimal strings) of the base run's closed trades per symbol and per regime at entry (groups without trades left out). */
export interface StabilityInput { readonly symbols: Readonly<Record<string, string>>; readonly regimes: Readonly<Record<string, string>> }
/** Total return (%) of the same run at each stake multiple (1 first) under the Almgren–Chriss impact model. */
export interface CapacityInput { readonly runs: readonly { readonly multiple: number; readonly returnPct: number | null }[] }
/** Return (%) of the deployment's recorded PAPER trades and of a backtest over the same window. */
export interface GapInput { readonly paperReturnPct: number; readonly backtestReturnPct: number }

/** Everything the score is computed from; `trades` is the base run's closed trade count. */
export interface DurabilityInputs {
  readonly trades: number;
  readonly oos: OosInput | Unavailable;
  readonly cost: CostInput | Unavailable;
  readonly stability: StabilityInput | Unavailable;
  readonly capacity: CapacityInput | Unavailable;
  readonly gap: GapInput | Unavailable;
}

/** One component as reported: its measure (the x of its map), subscore and weights, or why it is unavailable. */
export interface ComponentScore {
  readonly name: ComponentName;
  readonly weight: number;
  /** Share of the score it carries after renormalisation, % (0 when unavailable). */
  readonly effectiveWeight: number;
  readonly subscore: number | null;
  readonly measure: number | null;
  readonly detail: string;
}

/** A floor that applied: what it says and the best rating it allows. */
export interface Floor { readonly rule: string; readonly cap: Rating }

/** The score, its rating (band, then floors), the rating the band alone gives, and every component. */
export interface Durability {
  readonly score: number;
  readonly rating: Rating;
  readonly bandRating: Rating;
  readonly floors: readonly Floor[];
  readonly components: readonly ComponentScore[];
}

/** The rating band of a score. */
export function bandOf(score: number): Rating {
  return RATING_BANDS.find((b) => score >= b.min)!.rating;
}
function isUnavailable(x: object): x is Unavailable {
  return 'unavailable' in x;
}

/** The floors that apply to these inputs (each caps the rating). */
export function floorsOf(inputs: DurabilityInputs): Floor[] {
  const floors: Floor[] = [];
  if (inputs.trades === 0) floors.push({ rule: 'no closed trades in the base run', cap: 'unviable' });
  if (!isUnavailable(inputs.cost)) {
    const b = effectiveBreakEven(inputs.cost);
    if (b === 0) floors.push({ rule: 'not profitable even at zero cost (break-even 0 bps)', cap: 'unviable' });
    else if (b < inputs.cost.feeBps) floors.push({ rule: `break-even ${round1(b)} bps below the fee (${inputs.cost.feeBps} bps)`, cap: 'poor' });
  }
  if (!isUnavailable(inputs.oos) && inputs.oos.compoundedOosReturnPct < 0) floors.push({ rule: 'out-of-sample (walk-forward) return negative', cap: 'poor' });
  return floors;
}

/** The durability score of the measurements (see the module comment and README for the formula). */
export function durabilityScore(inputs: DurabilityInputs): Durability {
  const measured = COMPONENTS.map((name) => {
    const input = inputs[name];
    if (isUnavailable(input)) return { name, result: input as Measured | Unavailable };
    const result = name === 'oos' ? measureOos(input as OosInput) : name === 'cost' ? measureCost(input as CostInput)
      : name === 'stability' ? measureStability(input as StabilityInput) : name === 'capacity' ? measureCapacity(input as CapacityInput)
        : measureGap(input as GapInput);
    return { name, result };
  });
  const total = measured.reduce((a, m) => a + (isUnavailable(m.result) ? 0 : WEIGHTS[m.name]), 0);
  const components: ComponentScore[] = measured.map(({ name, result }) => (isUnavailable(result)
    ? { name, weight: WEIGHTS[name], effectiveWeight: 0, subscore: null, measure: null, detail: `not available: ${result.unavailable}` }
    : {
      name, weight: WEIGHTS[name], effectiveWeight: round1((WEIGHTS[name] / total) * 100), subscore: round1(result.subscore),
      measure: result.measure === null ? null : Math.round(result.measure * 1000) / 1000, detail: result.detail,
    }));
  const score = total === 0 ? 0 : round1(components.reduce((a, c) => a + (c.subscore === null ? 0 : c.weight * c.subscore), 0) / total);
  const floors = floorsOf(inputs);
  const bandRating = bandOf(score);
  const rank = (r: Rating) => RATINGS.indexOf(r);
  const rating = floors.reduce<Rating>((r, f) => (rank(f.cap) < rank(r) ? f.cap : r), bandRating);
  return { score, rating, bandRating, floors, components };
}
