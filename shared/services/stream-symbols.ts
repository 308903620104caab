import type { Timeframe } from '../domain/candle.js';
import type { Ledger } from '../domain/ledger.js';
import type { Policy } from '../domain/policy.js';
import { signalScope } from '../domain/signal-scope.js';

/** Where the market stream learns what to follow; each read may throw. */
export interface StreamSymbolSources {
  /** The policy in force; undefined when the stream runs without a policy table (then `fixed` is required). */
  readonly policy: () => Promise<Pick<Policy, 'symbols' | 'timeframe'> | undefined>;
  /** A fixed list (SYMBOLS) used instead of the policy's symbols. */
  readonly fixed?: readonly string[];
  /** The ledger, for the held symbols; absent when the stream has no state table. */
  readonly ledger?: () => Promise<Ledger | undefined>;
  /** Told when the ledger cannot be read; the held symbols followed so far are kept. */
  readonly onLedgerError?: (error: unknown) => void;
}

/** What the market stream follows: the listed symbols, then held symbols no longer listed (signal-scope.ts). */
export interface StreamSelection {
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** Held symbols followed only because a position is open in them (their exits and marks need the data). */
  readonly heldOnly: readonly string[];
}

/**
 * The stream's symbol set: policy (or fixed) symbols ∪ held symbols, in the order the signal cycle walks them,
 * so a position the policy dropped keeps its candles and book. A failed ledger read keeps `previous`'s held
 * symbols rather than dropping them. A failed policy read throws.
 */
export async function streamSelection(src: StreamSymbolSources, previous?: StreamSelection): Promise<StreamSelection> {
  const policy = await src.policy();
  const listed = src.fixed ?? policy?.symbols;
  if (!listed) throw new Error('the market stream needs a policy or a fixed symbol list');
  let held: readonly string[] = previous?.heldOnly ?? [];
  if (src.ledger) {
    try {
      held = Object.keys((await src.ledger())?.positions ?? {});
    } catch (error) {
      src.onLedgerError?.(error);
    }
  }
  const scope = signalScope({ symbols: [...listed], strategies: [] }, held);
  return { symbols: scope.symbols, timeframe: (policy?.timeframe ?? '1m') as Timeframe, heldOnly: scope.exitOnly };
}
