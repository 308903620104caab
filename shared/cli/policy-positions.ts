import type { PositionContext } from '../domain/policy-sanity-positions.js';
import type { CliContext } from './cli-context.js';
import type { CheckedDocument } from './policy-files.js';

/** What a policy command checks a document against: the ledger's open positions, or why they were not read. */
export interface PositionCheck {
  readonly context: PositionContext;
  /** Open positions checked; undefined when none could be read. */
  readonly checked?: number;
  /** Why positions were not checked (no state table configured or reachable). */
  readonly unchecked?: string;
}

/** Reads the open positions from the state table (STATE_TABLE); an unset or unreachable table is reported, never fatal. */
export async function readPositions(ctx: CliContext): Promise<PositionCheck> {
  try {
    const positions = (await ctx.state().getLedger())?.value.positions ?? {};
    return { context: { openPositions: positions }, checked: Object.keys(positions).length };
  } catch (error) {
    return { context: {}, unchecked: error instanceof Error ? error.message : String(error) };
  }
}

/** One line saying whether the document was checked against open positions. */
export function positionsLine(check: PositionCheck): string {
  return check.unchecked === undefined
    ? `open positions checked against the ledger: ${check.checked}\n`
    : `note: open positions were not checked (no state reachable: ${check.unchecked})\n`;
}

/** The ORPHANED_POSITION warnings of a checked document, printed one per line as printProblems prints them. */
export function orphanLines(checked: CheckedDocument): string {
  return checked.warnings.filter((w) => w.code === 'ORPHANED_POSITION')
    .map((w) => `  ${(w.severity ?? 'warning').padEnd(7)}  ${w.path}  ${w.code}  ${w.message}\n`).join('');
}
