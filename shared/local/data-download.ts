/**
 * Downloads closed candles of one pair into its candle file: pages forward from `since` through a KlineSource
 * (ccxt REST in production), resumes an existing file (fetches only before its first and after its last candle,
 * re-fetching those two to check the exchange still agrees), retries rate limits and outages after the
 * exchange's Retry-After, and writes atomically. Rows are never duplicated or reordered; values stay as sent.
 */
import { timeframeMs, type Timeframe } from '../domain/candle.js';
import { findGaps, type CandleGap } from '../domain/candle-gaps.js';
import { StratusError } from '../domain/errors.js';
import { dec } from '../domain/money.js';
import type { CandleRow } from '../domain/resample.js';
import type { Clock } from '../ports.js';
import { withRetry, type RetryPolicy } from '../adapters/exchange-retry.js';
import { candleFilePath, readCandleRows, writeCandleRows } from './data-files.js';

/** Where candles come from: one page of an exchange's klines, and the symbols it lists. */
export interface KlineSource {
  /** Spot symbols the exchange lists (BASE/QUOTE), as its market list says. */
  symbols(): Promise<string[]>;
  /** Up to `limit` candles with open time in [since, until] (inclusive), oldest first, values as decimal strings. */
  fetchPage(symbol: string, timeframe: Timeframe, since: number, until: number, limit: number): Promise<CandleRow[]>;
}

/** What downloadCandles needs besides the request: the source, the clock (which candles have closed), a sleeper, progress. */
export interface DownloadDeps {
  readonly source: KlineSource;
  readonly clock: Clock;
  /** Waits ms before a retry (tests pass one that records and returns at once). */
  readonly sleep: (ms: number) => Promise<void>;
  /** One line of progress (the CLI sends it to stderr). */
  readonly progress: (line: string) => void;
  /** Candles per request (Binance spot: at most 1000). Default 1000. */
  readonly pageLimit?: number;
  /** Retries of a rate limit or outage. Default: 6 retries, 1 s doubling to 60 s, never before Retry-After. */
  readonly retry?: RetryPolicy;
  /** Most total waiting per request, ms. Default 15 min (an IP ban of hours gives up and says so). */
  readonly retryBudgetMs?: number;
}

/** One pair to download: open times in [from, to), into `dir` under the candle-file naming convention. */
export interface DownloadRequest {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly from: number;
  readonly to: number;
  readonly dir: string;
}

/** What a download did and what the file holds now. */
export interface DownloadResult {
  readonly file: string;
  readonly added: number;
  readonly candles: number;
  readonly first?: number;
  readonly last?: number;
  readonly resumed: boolean;
  readonly requests: number;
  readonly gaps: CandleGap[];
}

/** The exchange's candle differs from the one already in the file: the file is left as it was. */
export class DataOverlapError extends StratusError {
  override readonly name = 'DataOverlapError';
  constructor(message: string) {
    super('DATA_OVERLAP_MISMATCH', message, false);
  }
}

const DEFAULT_RETRY: RetryPolicy = { maxRetries: 6, retryBaseDelayMs: 1_000, retryMaxDelayMs: 60_000 };

/** Downloads [from, to) of one pair (closed candles only), merging with its existing file; see the module comment. */
export async function downloadCandles(req: DownloadRequest, deps: DownloadDeps): Promise<DownloadResult> {
  const step = timeframeMs(req.timeframe);
  const formingOpen = Math.floor(deps.clock.now() / step) * step;
  const from = Math.ceil(req.from / step) * step;
  const end = Math.min(req.to, formingOpen);
  const { path, exists } = await candleFilePath(req.dir, req.exchange, req.symbol, req.timeframe);
  const existing = exists ? await readCandleRows(path, req.timeframe) : [];
  const fetcher = new PageFetcher(req, deps);
  let before: CandleRow[] = [];
  let after: CandleRow[] = [];
  let failure: unknown;
  const first = existing[0];
  const last = existing.at(-1);
  if (!first || !last) {
    if (from < end) ({ rows: after, failure } = await fetcher.range(from, end));
  } else {
    if (from < first.openTime) before = checkOverlap(first, (await fetcher.range(from, first.openTime + step, true)).rows, path);
    if (end > last.openTime + step) {
      const fetched = await fetcher.range(last.openTime, end);
      after = checkOverlap(last, fetched.rows, path, fetched.failure !== undefined);
      failure = fetched.failure;
    }
  }
  const added = before.length + after.length;
  const rows = added ? [...before, ...existing, ...after] : existing;
  if (added) await writeCandleRows(path, rows);
  if (failure !== undefined) {
    const kept = after.length ? `; kept the ${after.length} candles fetched before it (run again to resume)` : '';
    throw new StratusError('DATA_DOWNLOAD_FAILED', `${(failure as Error).message}${kept}`, false, { cause: failure });
  }
  return {
    file: path, added, candles: rows.length, resumed: existing.length > 0, requests: fetcher.requests,
    gaps: findGaps(rows.map((r) => r.openTime), step),
    ...(rows.length ? { first: rows[0]!.openTime, last: rows.at(-1)!.openTime } : {}),
  };
}

/** Drops the overlap candle after checking it equals the stored one (same open time, equal decimals). */
function checkOverlap(stored: CandleRow, fetched: CandleRow[], path: string, partial = false): CandleRow[] {
  const i = fetched.findIndex((r) => r.openTime === stored.openTime);
  if (i === -1 && fetched.length === 0 && !partial) return [];
  const got = fetched[i];
  if (!got || !FIELDS.every((f) => dec(got[f]).eq(dec(stored[f])))) {
    const seen = got ? `${got.open},${got.high},${got.low},${got.close},${got.volume}` : 'no candle';
    throw new DataOverlapError(`${path}: the exchange's candle at ${new Date(stored.openTime).toISOString()} (${seen}) differs from the file's `
      + `(${stored.open},${stored.high},${stored.low},${stored.close},${stored.volume}); nothing written — move the file away to download afresh`);
  }
  return fetched.filter((_, j) => j !== i);
}

const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

/** Pages [start, end) forward, retrying each page; on a failure after retries, returns what it had and the error. */
class PageFetcher {
  requests = 0;
  constructor(private readonly req: DownloadRequest, private readonly deps: DownloadDeps) {}

  async range(start: number, end: number, throwOnFailure = false): Promise<{ rows: CandleRow[]; failure?: unknown }> {
    const { symbol, timeframe } = this.req;
    const step = timeframeMs(timeframe);
    const limit = this.deps.pageLimit ?? 1000;
    const rows: CandleRow[] = [];
    for (let since = start; since < end;) {
      let page: CandleRow[];
      try {
        page = await withRetry(() => { this.requests += 1; return this.deps.source.fetchPage(symbol, timeframe, since, end - 1, limit); }, {
          policy: this.deps.retry ?? DEFAULT_RETRY, sleep: this.deps.sleep, budgetMs: this.deps.retryBudgetMs ?? 900_000,
          onRetry: ({ error, delayMs }) => this.deps.progress(`${symbol} ${timeframe}: ${error.code} — waiting ${Math.ceil(delayMs / 1000)} s before retrying`),
        });
      } catch (error) {
        if (throwOnFailure || rows.length === 0) throw error;
        return { rows, failure: error };
      }
      const fresh = page.filter((r) => r.openTime >= since && r.openTime < end && r.openTime % step === 0);
      if (fresh.some((r, i) => i > 0 && r.openTime <= fresh[i - 1]!.openTime)) throw new StratusError('DATA_UNORDERED', `${symbol}: the exchange sent candles out of order`, false);
      if (fresh.length === 0) break;
      rows.push(...fresh);
      since = fresh.at(-1)!.openTime + step;
      this.deps.progress(`${symbol} ${timeframe}: ${rows.length} candles, up to ${new Date(since).toISOString()}`);
      if (page.length < limit) break;
    }
    return { rows };
  }
}
