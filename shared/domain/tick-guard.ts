import { timeframeMs, type Candle, type TopOfBook } from './candle.js';

/** Why the guard dropped a candle or a book. */
export type TickRule =
  | 'not-a-number' | 'non-positive-price' | 'negative-volume' | 'off-grid' | 'ohlc-inconsistent'
  | 'duplicate' | 'out-of-order' | 'outlier' | 'crossed-book';

/** Tuning of the outlier rule; the defaults keep every candle of the team's 1m/5m/1h Binance data (2017–2026). */
export interface TickGuardOptions {
  /** Accepted closes in the rolling reference (their median) and in the volatility estimate. Default 20. */
  readonly window?: number;
  /** Accepted candles needed before the outlier rule applies. Default 5. */
  readonly minSamples?: number;
  /** Narrowest band half-width, as a log distance from the reference (0.15 ≈ −14% / +16%). Default 0.15. */
  readonly minBand?: number;
  /** Band half-width = this × median |log return| of the window × √(candles since the last accepted one). Default 50. */
  readonly volatilityMultiple?: number;
}

/** What the guard made of one candle. */
export interface TickJudgement {
  /** accepted: store it; held: a suspect waiting for the next candle; dropped: never store it. */
  readonly verdict: 'accepted' | 'held' | 'dropped';
  /** The candle as judged (corrected when `correction` is set). */
  readonly candle: Candle;
  readonly rule?: TickRule;
  readonly detail?: string;
  /** Set when a rule repaired the candle instead of dropping it. */
  readonly correction?: string;
  /** The earlier suspect this candle settled: kept (store it now, before `candle`) or dropped as an outlier. */
  readonly settled?: { readonly candle: Candle; readonly kept: boolean; readonly detail: string };
}

interface Band { readonly ref: number; readonly lastClose: number; readonly halfWidth: number }
interface SymbolState { closes: number[]; lastAccepted?: number; held?: { candle: Candle; band: Band }; holes: Set<number> }

/** A candle's first structural defect (numbers, signs, grid, OHLC order), without correction; undefined when sound. */
export function candleDefect(c: Candle): { rule: TickRule; detail: string } | undefined {
  const values = [c.openTime, c.open, c.high, c.low, c.close, c.volume];
  if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) return { rule: 'not-a-number', detail: `non-finite field in ${fields(c)}` };
  if (![c.open, c.high, c.low, c.close].every((p) => p > 0)) return { rule: 'non-positive-price', detail: fields(c) };
  if (c.volume < 0) return { rule: 'negative-volume', detail: `volume ${c.volume}` };
  if (!Number.isSafeInteger(c.openTime) || c.openTime % timeframeMs(c.timeframe) !== 0) return { rule: 'off-grid', detail: `openTime ${c.openTime} not on the ${c.timeframe} grid` };
  if (c.high < Math.max(c.open, c.close) || c.low > Math.min(c.open, c.close)) return { rule: 'ohlc-inconsistent', detail: fields(c) };
  return undefined;
}

/** A book's defect (unparseable or non-positive prices, bid above ask); undefined when sound. */
export function bookDefect(b: TopOfBook): { rule: TickRule; detail: string } | undefined {
  const bid = Number(b.bid);
  const ask = Number(b.ask);
  if (![bid, ask, b.time].every(Number.isFinite)) return { rule: 'not-a-number', detail: `bid ${b.bid} ask ${b.ask} time ${b.time}` };
  if (bid <= 0 || ask <= 0) return { rule: 'non-positive-price', detail: `bid ${b.bid} ask ${b.ask}` };
  if (bid > ask) return { rule: 'crossed-book', detail: `bid ${b.bid} > ask ${b.ask}` };
  return undefined;
}

/**
 * The bad-tick guard for one stream of closed candles per symbol. In order: structural rules (drop; a candle
 * whose high and low are merely swapped is corrected), then duplicate / out-of-order against the newest
 * candle seen, then the outlier rule. Band half-width = max(minBand, volatilityMultiple × median |log return|
 * of the last `window` accepted closes × √gap); a candle is a suspect when its open or close is out of the
 * band around their median and also around the last accepted close. A suspect is held, not dropped: the next
 * candle keeps it when it continues from it (its open is nearer the suspect's close than the median, or its
 * close is out on the same side) — a genuine crash — and drops it when it snaps back — a bad tick. After a
 * kept suspect, candles near it pass at once (last-close reference). Two consistent bad candles in a row
 * therefore pass, like a real level shift. Books get the structural rules only. Pure: no clock, no I/O.
 */
export class TickGuard {
  private readonly window: number;
  private readonly minSamples: number;
  private readonly minBand: number;
  private readonly multiple: number;
  private readonly states = new Map<string, SymbolState>();

  constructor(options: TickGuardOptions = {}) {
    this.window = options.window ?? 20;
    this.minSamples = options.minSamples ?? 5;
    this.minBand = options.minBand ?? 0.15;
    this.multiple = options.volatilityMultiple ?? 50;
    if (!(this.window >= 2 && this.minSamples >= 2 && this.minSamples <= this.window && this.minBand > 0 && this.multiple > 0)) {
      throw new RangeError(`TickGuard: invalid options ${JSON.stringify(options)}`);
    }
  }

  /** Starts a symbol over from stored candles (oldest first), trusted as they are. */
  seed(symbol: string, stored: readonly Candle[]): void {
    const state: SymbolState = { closes: [], holes: new Set() };
    this.states.set(symbol, state);
    for (const c of stored) this.accept(state, c);
  }

  /** Forgets a symbol (and its suspect); a later seed starts it again. */
  forget(symbol: string): void {
    this.states.delete(symbol);
  }

  /** True when the symbol was seeded or has been judged since its last forget. */
  knows(symbol: string): boolean {
    return this.states.has(symbol);
  }

  /** Open time of the newest candle accepted or held for the symbol. */
  lastSeen(symbol: string): number | undefined {
    const s = this.states.get(symbol);
    return s?.held?.candle.openTime ?? s?.lastAccepted;
  }

  /** The suspect currently held for the symbol, if any. */
  held(symbol: string): Candle | undefined {
    return this.states.get(symbol)?.held?.candle;
  }

  /** Judges the next candle of its symbol; see the class comment for the rules. */
  judge(input: Candle): TickJudgement {
    const state = this.states.get(input.symbol) ?? this.fresh(input.symbol);
    const swapped = swapHighLow(input);
    const candle = swapped ?? input;
    const defect = candleDefect(candle);
    if (defect) return { verdict: 'dropped', candle: input, ...defect };
    const correction = swapped ? `high ${input.high} and low ${input.low} swapped` : undefined;
    const last = this.lastSeen(input.symbol);
    if (last !== undefined && candle.openTime <= last) {
      return { verdict: 'dropped', candle: input, rule: candle.openTime === last ? 'duplicate' : 'out-of-order', detail: `openTime ${candle.openTime}, newest seen ${last}` };
    }
    const settled = state.held ? this.settle(state, candle) : undefined;
    const band = this.band(state, candle.openTime, timeframeMs(candle.timeframe));
    const base = { candle, ...(correction ? { correction } : {}), ...(settled ? { settled } : {}) };
    if (band && outside(candle, band)) {
      state.held = { candle, band };
      return { ...base, verdict: 'held', rule: 'outlier', detail: describe(candle, band) };
    }
    this.accept(state, candle);
    return { ...base, verdict: 'accepted' };
  }

  /**
   * Judges a replacement for a candle this guard dropped as an outlier (fetched again by REST): structural
   * rules, then the band of the current reference. Accepted at most once per hole; it does not move the reference.
   */
  repair(input: Candle): TickJudgement {
    const state = this.states.get(input.symbol);
    if (!state?.holes.has(input.openTime)) return { verdict: 'dropped', candle: input, rule: 'duplicate', detail: `no outlier hole at ${input.openTime}` };
    const candle = swapHighLow(input) ?? input;
    const defect = candleDefect(candle);
    if (defect) return { verdict: 'dropped', candle: input, ...defect };
    const band = this.band(state, state.lastAccepted ?? candle.openTime, timeframeMs(candle.timeframe));
    if (band && outside(candle, band)) return { verdict: 'dropped', candle, rule: 'outlier', detail: describe(candle, band) };
    state.holes.delete(input.openTime);
    return { verdict: 'accepted', candle, ...(candle !== input ? { correction: `high ${input.high} and low ${input.low} swapped` } : {}) };
  }

  private fresh(symbol: string): SymbolState {
    const state: SymbolState = { closes: [], holes: new Set() };
    this.states.set(symbol, state);
    return state;
  }

  /** Decides the held suspect with the candle that follows it. */
  private settle(state: SymbolState, next: Candle): NonNullable<TickJudgement['settled']> {
    const { candle: suspect, band } = state.held!;
    state.held = undefined;
    const toSuspect = Math.abs(Math.log(next.open / suspect.close));
    const toRef = Math.abs(Math.log(next.open / band.ref));
    const side = (p: number) => Math.sign(Math.log(p / band.ref));
    const stillOut = Math.abs(Math.log(next.close / band.ref)) > band.halfWidth && side(next.close) === side(suspect.close);
    if (toSuspect <= toRef || stillOut) {
      this.accept(state, suspect);
      return { candle: suspect, kept: true, detail: `confirmed by the next candle (open ${next.open}, close ${next.close})` };
    }
    state.holes.add(suspect.openTime);
    if (state.holes.size > this.window) state.holes.delete(Math.min(...state.holes));
    return { candle: suspect, kept: false, detail: `${describe(suspect, band)}; the next candle opened back at ${next.open}` };
  }

  private band(state: SymbolState, openTime: number, tfMs: number): Band | undefined {
    const closes = state.closes;
    if (closes.length < this.minSamples || state.lastAccepted === undefined) return undefined;
    const returns = closes.slice(1).map((c, i) => Math.abs(Math.log(c / closes[i]!)));
    const gap = Math.max(1, (openTime - state.lastAccepted) / tfMs);
    return { ref: median(closes), lastClose: closes.at(-1)!, halfWidth: Math.max(this.minBand, this.multiple * median(returns) * Math.sqrt(gap)) };
  }

  private accept(state: SymbolState, c: Candle): void {
    state.closes.push(c.close);
    if (state.closes.length > this.window) state.closes.shift();
    state.lastAccepted = Math.max(c.openTime, state.lastAccepted ?? -Infinity);
  }
}

/** The candle with high and low exchanged when that (and only that) makes it consistent. */
function swapHighLow(c: Candle): Candle | undefined {
  if (!(c.high < c.low)) return undefined;
  const fixed = { ...c, high: c.low, low: c.high };
  return fixed.high >= Math.max(c.open, c.close) && fixed.low <= Math.min(c.open, c.close) ? fixed : undefined;
}

/** Open or close out of the band around the median and also around the last accepted close (which follows a confirmed shift). */
function outside(c: Candle, band: Band): boolean {
  const away = (ref: number) => [c.open, c.close].some((p) => Math.abs(Math.log(p / ref)) > band.halfWidth);
  return away(band.ref) && away(band.lastClose);
}

function describe(c: Candle, band: Band): string {
  const pct = (p: number) => `${((p / band.ref - 1) * 100).toFixed(1)}%`;
  return `open ${pct(c.open)} / close ${pct(c.close)} from the reference ${band.ref}, band ±${(band.halfWidth * 100).toFixed(1)} log-%`;
}

function fields(c: Candle): string {
  return `o=${c.open} h=${c.high} l=${c.low} c=${c.close} v=${c.volume}`;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
