/** Default cost levels in bps, applied to the fee and the slippage each. */
export const DEFAULT_COST_LEVELS: readonly number[] = [0, 5, 10, 20, 40];

/** The result of one run at one cost level. */
export interface CostLevelResult {
  /** Fee bps and slippage bps of the run (each equal to the level). */
  readonly bps: number;
  readonly sharpe: number | null;
  readonly totalReturnPct: number | null;
  readonly trades: number;
}

/** Every level's result and the interpolated break-even cost. */
export interface CostSweep {
  readonly levels: readonly CostLevelResult[];
  /** The cost in bps where total return crosses zero, or null: none in range. */
  readonly breakEvenBps: number | null;
}

/**
 * Runs `run` at each distinct level and finds the break-even cost. Every level is started at once (ascending), so an
 * asynchronous `run` (a sweep pool job) runs them in parallel; results are in ascending cost whatever order they finish in.
 */
export async function costSweep(
  levels: readonly number[], run: (bps: number) => Promise<CostLevelResult> | CostLevelResult,
): Promise<CostSweep> {
  const sorted = [...new Set(levels)].sort((a, b) => a - b);
  const results = await Promise.all(sorted.map(async (bps) => run(bps)));
  return { levels: results, breakEvenBps: breakEven(results) };
}

/**
 * The first cost at which total return reaches zero, scanning levels in ascending cost: a level with
 * exactly zero return, or the linear interpolation between two neighbouring levels whose returns have
 * opposite signs. Null (none in range) when return never crosses zero; levels without a return are skipped.
 */
export function breakEven(levels: readonly CostLevelResult[]): number | null {
  const points = levels
    .filter((l): l is CostLevelResult & { totalReturnPct: number } => l.totalReturnPct !== null)
    .sort((a, b) => a.bps - b.bps);
  for (let i = 0; i < points.length; i++) {
    const b = points[i]!;
    if (b.totalReturnPct === 0) return b.bps;
    const a = points[i - 1];
    if (a && Math.sign(a.totalReturnPct) !== Math.sign(b.totalReturnPct)) {
      return a.bps + ((0 - a.totalReturnPct) * (b.bps - a.bps)) / (b.totalReturnPct - a.totalReturnPct);
    }
  }
  return null;
}

/** Parses a comma-separated list of bps levels (each a number ≥ 0). */
export function parseLevels(text: string | undefined): number[] {
  if (text === undefined) return [...DEFAULT_COST_LEVELS];
  const levels = text.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (levels.length === 0 || levels.some((n) => !Number.isFinite(n) || n < 0)) throw new RangeError(`--levels must be bps numbers ≥ 0, got ${text}`);
  return levels;
}

/** The sweep as a table: one row per level, then the break-even line. */
export function formatSweep(sweep: CostSweep): string {
  const num = (n: number | null, digits: number) => (n === null ? '-' : n.toFixed(digits));
  const rows = [['fee bps', 'slippage bps', 'trades', 'sharpe', 'total return %'],
    ...sweep.levels.map((l) => [String(l.bps), String(l.bps), String(l.trades), num(l.sharpe, 3), num(l.totalReturnPct, 3)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const body = rows.map((r) => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n');
  const be = sweep.breakEvenBps === null ? 'none in range' : `${sweep.breakEvenBps.toFixed(2)} bps (fee and slippage each)`;
  return `${body}\nbreak-even cost: ${be}\n`;
}
