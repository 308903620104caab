import { closeTime, isClosedAt, type Candle } from './candle.js';
import { StrategyModuleError, UnknownStrategyError } from './errors.js';
import { intentIdFor, type Intent, type IntentKind, type Side } from './intent.js';
import { money } from './money.js';
import { momentum } from './strategies/momentum.js';
import { rsiReversion } from './strategies/rsi-reversion.js';
import { smaCross } from './strategies/sma-cross.js';
import type { ParamsSchema } from './strategy-define.js';

/** What a strategy module exports, and its params schema (strategy-define.ts). */
export type { ParamsOf, ParamsSchema, StrategyDefinition } from './strategy-define.js';

/** Strategy params as the policy holds them (name → number). */
export type StrategyParams = Readonly<Record<string, number>>;

/** What a strategy wants after a candle closed; score is the strategy's own statistic. */
export interface StrategySignal {
  side: Side;
  kind: IntentKind;
  score: number;
  reason: string;
}

/** Input to one evaluation: closed candles, oldest first, and whether the symbol is held. */
export interface StrategyInput {
  candles: readonly Candle[];
  holding: boolean;
  params: StrategyParams;
}

/** One indicator series to draw under the price: one value per candle given, null where not defined yet. */
export interface PlotLine {
  readonly name: string;
  readonly values: readonly (number | null)[];
}

/**
 * A pure signal generator chosen by name from the policy; built from a StrategyDefinition by defineStrategy
 * (strategy-define.ts). Every method takes the policy's raw params and parses them with paramsSchema.
 */
export interface Strategy {
  readonly name: string;
  /** One line on what it trades. */
  readonly summary?: string;
  /** Its params: a zod object of numbers with defaults and ranges (the policy's `strategies[].params`). */
  readonly paramsSchema: ParamsSchema;
  /** Closed candles evaluate() needs; throws StrategyParamsError on params it cannot run with. */
  requiredCandles(params: StrategyParams): number;
  /** A signal, or undefined for none (including too few candles). */
  evaluate(input: StrategyInput): StrategySignal | undefined;
  /**
   * An incremental pre-filter of evaluate() for replaying long histories (the backtest): O(1) per candle,
   * conservative — evaluate() is still what decides, and runs only where the screen says it may signal.
   */
  screen?(params: StrategyParams): SignalScreen;
  /** Indicator lines to draw (the HTML report): one value per candle given, null where not defined yet. */
  plot?(candles: readonly Candle[], params: StrategyParams): readonly PlotLine[];
}

/**
 * Fed every closed candle's close in order; maybe(holding) is false only when evaluate() on the candles fed
 * so far, with `holding`, certainly returns undefined (float running sums with a tolerance; the tests check
 * the screen never hides a signal of evaluate() on real and adversarial series).
 */
export interface SignalScreen {
  push(close: number): void;
  maybe(holding: boolean): boolean;
}

/** Where a registered strategy comes from: 'built-in', or the module file it was loaded from. */
export type StrategySource = 'built-in' | (string & {});

/** A registered strategy and its source. */
export interface RegisteredStrategy {
  readonly strategy: Strategy;
  readonly source: StrategySource;
}

const BUILT_IN: readonly Strategy[] = [momentum, smaCross, rsiReversion];
const REGISTRY = new Map<string, RegisteredStrategy>(BUILT_IN.map((s) => [s.name, { strategy: s, source: 'built-in' }]));

/**
 * Adds a user strategy under its name (the process-wide registry every runtime reads: backtest, signal function,
 * embedded pipeline). Registering the same source again replaces it; a name a built-in or another source already
 * has throws StrategyModuleError (STRATEGY_NAME_TAKEN).
 */
export function registerStrategy(strategy: Strategy, source: string): void {
  const held = REGISTRY.get(strategy.name);
  if (held && (held.source !== source || source === 'built-in')) {
    const by = held.source === 'built-in' ? 'a built-in strategy' : `the strategy in ${held.source}`;
    throw new StrategyModuleError('STRATEGY_NAME_TAKEN', `${source}: strategy name "${strategy.name}" is already taken by ${by}; rename it`);
  }
  REGISTRY.set(strategy.name, { strategy, source });
}

/** The registered strategy called `name`; throws UnknownStrategyError (code UNKNOWN_STRATEGY) otherwise. */
export function getStrategy(name: string): Strategy {
  const entry = REGISTRY.get(name);
  if (!entry) throw new UnknownStrategyError(name, strategyNames());
  return entry.strategy;
}

/** Names of every registered strategy, built-ins first. */
export function strategyNames(): string[] {
  return [...REGISTRY.keys()];
}

/** Every registered strategy with its source, built-ins first. */
export function registeredStrategies(): RegisteredStrategy[] {
  return [...REGISTRY.values()];
}

/**
 * Turns a signal into an intent whose id hashes (strategy, symbol, side, close time of the last closed
 * candle), so one candle can never yield two intents. Throws if that candle had not closed at `now`.
 */
export function makeIntent(
  signal: StrategySignal,
  strategyName: string,
  symbol: string,
  lastClosedCandle: Candle,
  now: number,
  policyHash: string,
  policyVersion: number,
): Intent {
  if (lastClosedCandle.symbol !== symbol) {
    throw new RangeError(`candle is for ${lastClosedCandle.symbol}, intent for ${symbol}`);
  }
  if (!isClosedAt(lastClosedCandle, now)) {
    throw new RangeError(`candle ${symbol}@${lastClosedCandle.openTime} had not closed at ${now}`);
  }
  const candleCloseTime = closeTime(lastClosedCandle);
  return {
    intentId: intentIdFor(strategyName, symbol, signal.side, candleCloseTime),
    strategy: strategyName,
    symbol,
    side: signal.side,
    kind: signal.kind,
    candleCloseTime,
    referencePrice: money(lastClosedCandle.close),
    score: signal.score,
    reason: signal.reason,
    createdAt: now,
    policyHash,
    policyVersion,
  };
}
