/**
 * Faults the fake Binance injects, per route and per call, and builders for the ones real Binance
 * produces: 429 and 418 with Retry-After, 5xx (with the order executed or not), slow answers, connection
 * resets, accepted-then-response-lost, partial fills and rejections, each in Binance's wire format.
 */
import type { IncomingMessage } from 'node:http';

/** A request as the fake saw it: route key ("POST /api/v3/order"), merged query/form params, arrival time (wall ms). */
export interface FakeRequest {
  readonly route: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage['headers'];
  readonly at: number;
}

/** What a fault does instead of (or around) the normal handling of one request. */
export type Fault =
  /** Answer with this status/body. phase 'after' handles the request first (the order IS placed), then answers so. */
  | { readonly kind: 'respond'; readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string>; readonly phase?: 'before' | 'after' }
  /** Wait ms before handling (a slow request) or, phase 'after', handle then wait before answering (a slow response). */
  | { readonly kind: 'delay'; readonly ms: number; readonly phase?: 'before' | 'after' }
  /** Destroy the socket without a response: before handling (request lost, a reset) or after it (response lost). */
  | { readonly kind: 'drop'; readonly when: 'before' | 'after' }
  /** Hold the request, unhandled, until `until` settles (deterministic interleavings: "this request arrives late"). */
  | { readonly kind: 'hold'; readonly until: Promise<unknown> }
  /** POST /api/v3/order only: fill just `quantity` (or `fraction` of it, to the step); the rest stays open or expires. */
  | { readonly kind: 'partial'; readonly quantity?: string; readonly fraction?: string; readonly remainder?: 'open' | 'expire' }
  /** Handle the request, then answer with the JSON body `rewrite` makes of the real one (a venue answering wrongly). */
  | { readonly kind: 'rewrite'; readonly label: string; readonly rewrite: (body: unknown) => unknown };

/** Decides per request whether to inject a fault; undefined means handle normally. */
export type FaultHook = (request: FakeRequest) => Fault | undefined;

/** Binance's body for -1003 on HTTP 429. */
const TOO_MANY = 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.';

/** Builders for the faults real Binance produces. */
export const fault = {
  /** HTTP 429, -1003, Retry-After seconds (the request was refused, nothing executed). */
  rateLimited: (retryAfterSeconds = 1): Fault => ({
    kind: 'respond', status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { code: -1003, msg: TOO_MANY },
  }),
  /** HTTP 418: the IP is banned for retryAfterSeconds (Binance bans last 2 min to 3 days). */
  ipBanned: (retryAfterSeconds = 120, now = Date.now()): Fault => ({
    kind: 'respond', status: 418, headers: { 'retry-after': String(retryAfterSeconds) },
    body: { code: -1003, msg: `Way too many requests; IP(127.0.0.1) banned until ${now + retryAfterSeconds * 1000}. Please use WebSocket Streams for live updates to avoid bans.` },
  }),
  /** HTTP 5xx; `executed` handles the request first, as Binance warns may happen ("execution status unknown"). */
  serverError: (status = 500, executed = false): Fault => ({
    kind: 'respond', status, phase: executed ? 'after' : 'before',
    body: status === 503
      ? { code: -1008, msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.' }
      : { code: -1000, msg: 'An unknown error occurred while processing the request.' },
  }),
  /** A slow request (delay, then handled) or, phase 'after', a slow response to a request already handled. */
  slow: (ms: number, phase: 'before' | 'after' = 'before'): Fault => ({ kind: 'delay', ms, phase }),
  /** Connection reset before the request was handled: nothing executed. */
  reset: (): Fault => ({ kind: 'drop', when: 'before' }),
  /** The request was handled (an order IS on the book), then the connection dropped before any response. */
  responseLost: (): Fault => ({ kind: 'drop', when: 'after' }),
  /** A Binance rejection, e.g. reject(-2010, 'Account has insufficient balance for requested action.'). */
  reject: (code: number, msg: string, status = 400): Fault => ({ kind: 'respond', status, body: { code, msg } }),
  /** Holds the request until `until` settles, then handles it normally. */
  hold: (until: Promise<unknown>): Fault => ({ kind: 'hold', until }),
  /** HTTP 400 -1021: the request's timestamp is outside recvWindow (clock skew); Binance refused it, nothing executed. */
  timestampOutsideRecvWindow: (): Fault => ({
    kind: 'respond', status: 400, body: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' },
  }),
  /** The order IS placed, but the answer names another client order id than the one sent. */
  foreignClientOrderId: (clientOrderId = 'web_6f1c2e0a9b8d4c3e'): Fault => ({
    kind: 'rewrite', label: 'foreign client order id in the response',
    rewrite: (body) => (typeof body === 'object' && body !== null ? { ...body, clientOrderId } : body),
  }),
  /** The order fills only partly; the rest stays open (fill it with FakeBinance.fillOrder) or expires. */
  partialFill: (fraction = '0.5', remainder: 'open' | 'expire' = 'open'): Fault => ({ kind: 'partial', fraction, remainder }),
};

/** Per-route scripts consumed one call at a time, falling back to each route's hook. */
export class FaultScript {
  readonly #queues = new Map<string, (Fault | undefined)[]>();

  /** Appends per-call steps for `route`: the next calls get these faults in order (undefined = handle normally). */
  push(route: string, steps: readonly (Fault | undefined)[]): void {
    this.#queues.set(route, [...(this.#queues.get(route) ?? []), ...steps]);
  }

  /** The next scripted step for `route`, if any is left (consumes it). */
  next(route: string): { fault: Fault | undefined } | undefined {
    const queue = this.#queues.get(route);
    if (!queue?.length) return undefined;
    return { fault: queue.shift() };
  }

  /** Steps not consumed yet, by route. */
  pending(): Record<string, number> {
    return Object.fromEntries([...this.#queues].filter(([, q]) => q.length).map(([r, q]) => [r, q.length]));
  }

  clear(): void {
    this.#queues.clear();
  }
}
