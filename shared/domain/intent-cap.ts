import type { Intent } from './intent.js';

/** One cycle's intents after the cap: `kept` in their original order, `dropped` in rank order. */
export interface CappedIntents {
  readonly kept: readonly Intent[];
  readonly dropped: readonly Intent[];
}

/** Entry rank: higher score first, then intent id ascending (deterministic for the same signals). */
function byRank(a: Intent, b: Intent): number {
  return b.score - a.score || (a.intentId < b.intentId ? -1 : a.intentId > b.intentId ? 1 : 0);
}

/**
 * Caps one signal cycle at `max` intents (signals.maxIntentsPerCycle). Exits are never dropped (they reduce
 * risk, even when they alone pass the cap); entries fill the slots left, best ranked first. Pure and deterministic.
 */
export function capIntents(intents: readonly Intent[], max: number): CappedIntents {
  if (intents.length <= max) return { kept: intents, dropped: [] };
  const exits = intents.filter((i) => i.kind === 'exit');
  const entries = intents.filter((i) => i.kind !== 'exit').sort(byRank);
  const room = Math.max(0, max - exits.length);
  const survivors = new Set(entries.slice(0, room));
  return { kept: intents.filter((i) => i.kind === 'exit' || survivors.has(i)), dropped: entries.slice(room) };
}
