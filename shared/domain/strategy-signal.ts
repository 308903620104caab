import type { Candle } from './candle.js';
import { StrategyModuleError } from './errors.js';
import type { StrategySignal } from './strategy.js';

// What a strategy may hand back, checked where every runtime calls it (defineStrategy): the risk function drops an
// intent that breaks these rules as malformed (shared/runtime/messages.ts), so a backtest must not trade on it.

/** The longest reason an intent message carries (messages.ts). */
const MAX_REASON = 2000;

/** What is wrong with a value evaluate() returned, in words; undefined for a well-formed signal or none (undefined/null). */
export function signalProblem(signal: unknown): string | undefined {
  if (signal === undefined || signal === null) return undefined;
  if (typeof signal !== 'object') return `expected { side, kind, score, reason } or undefined, got ${typeof signal}`;
  const { side, kind, score, reason } = signal as Record<string, unknown>;
  if (side !== 'buy' && side !== 'sell') return `side must be 'buy' or 'sell', got ${JSON.stringify(side) ?? 'nothing'}`;
  const want = side === 'buy' ? 'entry' : 'exit';
  if (kind !== want) return `kind must be '${want}' for side ${side} (long only), got ${JSON.stringify(kind) ?? 'nothing'}`;
  if (typeof score !== 'number' || !Number.isFinite(score)) return `score must be a finite number, got ${String(score)}`;
  if (typeof reason !== 'string' || reason.length > MAX_REASON) return `reason must be a string of at most ${MAX_REASON} characters`;
  return undefined;
}

/** What is wrong with a warm-up (a whole number of closed candles, at least 1); undefined when it is one. */
export function warmupProblem(candles: unknown): string | undefined {
  return typeof candles === 'number' && Number.isInteger(candles) && candles >= 1
    ? undefined : `requiredCandles must be a whole number ≥ 1, got ${String(candles)}`;
}

/**
 * Runs a definition's evaluate(); a write to a frozen candle (the backtest's and replay's candles are frozen) is rethrown
 * naming the strategy, as StrategyModuleError INVALID_STRATEGY_SIGNAL.
 */
export function evaluateFrozen<P>(
  def: { readonly name: string; evaluate(input: { candles: readonly Candle[]; holding: boolean; params: P }): StrategySignal | undefined },
  input: { candles: readonly Candle[]; holding: boolean; params: P },
): StrategySignal | undefined {
  try {
    return def.evaluate(input);
  } catch (error) {
    if (error instanceof TypeError && /read.only|not extensible|frozen/i.test(error.message)) {
      throw new StrategyModuleError('INVALID_STRATEGY_SIGNAL', `strategy ${def.name}: evaluate() must not change the candles it is given (${error.message})`, { cause: error });
    }
    throw error;
  }
}
