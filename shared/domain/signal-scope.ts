import type { Policy } from './policy.js';

/**
 * What a signal cycle walks at a candle close, for the embedded/AWS pipeline and the backtest alike.
 * Every held symbol has its risk exits judged under the policy's exits, whatever the policy lists;
 * strategies run (and so entries come) only on the symbols the policy lists.
 */
export interface SignalScope {
  /** The policy's symbols in policy order, then held symbols it no longer lists, in code-point order. */
  readonly symbols: readonly string[];
  /** Held symbols the policy does not list: risk exits only, no strategy runs on them. */
  readonly exitOnly: readonly string[];
  /** Whether strategies may run on (and enter) the symbol: the policy lists it. */
  mayEnter(symbol: string): boolean;
  /** The listed symbols strategy `index` (into policy.strategies) runs on, in its own order; none when disabled. */
  symbolsOf(index: number): readonly string[];
  /** Indices into policy.strategies of the enabled strategies that run on the symbol, in policy order. */
  strategiesOn(symbol: string): readonly number[];
}

/** The scope of a signal cycle under `policy` with positions open in `held` (ledger symbols). */
export function signalScope(policy: Pick<Policy, 'symbols' | 'strategies'>, held: Iterable<string>): SignalScope {
  const listed = new Set(policy.symbols);
  const exitOnly = [...new Set(held)].filter((s) => !listed.has(s)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const perStrategy = policy.strategies.map((cfg) => (cfg.enabled ? (cfg.symbols ?? policy.symbols).filter((s) => listed.has(s)) : []));
  const perSymbol = new Map<string, number[]>();
  perStrategy.forEach((symbols, index) => {
    for (const s of symbols) {
      const list = perSymbol.get(s) ?? [];
      if (!list.includes(index)) list.push(index);
      perSymbol.set(s, list);
    }
  });
  return {
    symbols: [...policy.symbols, ...exitOnly],
    exitOnly,
    mayEnter: (symbol) => listed.has(symbol),
    symbolsOf: (index) => perStrategy[index] ?? [],
    strategiesOn: (symbol) => perSymbol.get(symbol) ?? [],
  };
}
