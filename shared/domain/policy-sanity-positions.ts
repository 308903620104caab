/**
 * Checks of a document against the open positions (ledger): the operator tools pass them in when the state
 * table is reachable; elsewhere (the functions' loaders) they are unknown and these checks skip.
 */
import type { Position } from './ledger.js';
import type { ValidationContext } from './policy.js';
import type { SanityCheck } from './policy-sanity.js';

/** ValidationContext plus the open positions, by symbol; absent = positions not checked. */
export interface PositionContext extends ValidationContext {
  readonly openPositions?: Readonly<Record<string, Position>>;
}

/** ORPHANED_POSITION: a held symbol, or the strategy holding it, missing from the document. */
export const positionChecks: readonly SanityCheck[] = [
  {
    code: 'ORPHANED_POSITION', severity: 'warning',
    summary: 'drops a symbol with an open position, or the strategy that holds one (validate, diff and set read the ledger): its exits keep running, no strategy runs on it',
    check: (p, context) => {
      const held = Object.values((context as PositionContext).openPositions ?? {}).filter((x) => x.quantity.gt(0));
      const enabled = new Set(p.strategies.filter((s) => s.enabled).map((s) => s.name));
      const size = (x: Position) => `${x.quantity.toFixed()} ${x.symbol} (cost ${x.costBasis.toDecimalPlaces(2).toFixed()})`;
      return [
        ...held.filter((x) => !p.symbols.includes(x.symbol)).map((x) => ({
          path: 'symbols',
          message: `${x.symbol} is dropped while a position of ${size(x)} is open: its risk exits keep running under this policy; no entries`,
        })),
        ...held.filter((x) => x.strategy !== undefined && !enabled.has(x.strategy)).map((x) => ({
          path: 'strategies',
          message: `strategy ${x.strategy} is dropped or disabled while it holds ${size(x)}: its own exit signal stops; the risk exits keep running`,
        })),
      ];
    },
  },
];
