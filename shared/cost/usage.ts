/**
 * The per-invocation usage the estimate assumes: what one run of each function reads, writes and logs, and
 * how much the market stream writes. These are documented assumptions (README "Cost"), derived from the code
 * paths as they stand, scaled by the symbol count and the signal cadence; the resources themselves (functions,
 * memory, schedules, alarms, queues...) come from the synthesized template.
 */

/** What one invocation of a function costs in time and state-table traffic. */
export interface InvocationUsage {
  /** Billed duration, ms. */
  readonly ms: number;
  /** DynamoDB read request units (a strongly consistent 4 KB read = 1; the ~20 KB ledger = 5). */
  readonly rru: number;
  /** DynamoDB write request units (1 per KB; a ledger put ≈ 20). */
  readonly wru: number;
  /** CloudWatch Logs bytes: START/END/REPORT lines, Powertools JSON lines and the EMF document. */
  readonly logBytes: number;
}

/** The load the estimate is sized for. */
export interface Workload {
  readonly symbols: number;
  /** Signal cadence (the strategy timeframe) in minutes: the signal schedule runs once per candle. */
  readonly cadenceMinutes: number;
}

/** Trading activity assumed per symbol per day (a busy day of the momentum default: the 19 May 2021 replay made ~36 intents and ~13 orders per symbol in 6 h; a normal day is far quieter). */
export const ACTIVITY = { intentsPerSymbolDay: 24, ordersPerSymbolDay: 8, alertsPerDay: 10 } as const;

/** One invocation of each function for `symbols` symbols (per intent for risk, per order for execution, per alert for the notifier). */
export function invocationUsage(fn: string, symbols: number): InvocationUsage {
  switch (fn) {
    // candles (31 × 1m) + book per symbol, policy, kill switch, ledger, heartbeat; RUN# put
    case 'signal': return { ms: 150 + 30 * symbols, rru: 8 + 2 * symbols, wru: 1, logBytes: 2500 + 300 * symbols };
    // ledger, books, kill switch, breaker, policy; ledger put (about half the runs change it), RUN# put
    case 'metrics': return { ms: 150 + 20 * symbols, rru: 8 + symbols, wru: 11, logBytes: 3500 };
    // ledger, open orders, paper venue balances; health and RUN# puts
    case 'reconcile': return { ms: 400 + 80 * symbols, rru: 20 + 2 * symbols, wru: 2, logBytes: 3000 };
    // all fills and decisions of a day, day-end candles; RUN# and ALERT# puts
    case 'report': return { ms: 3000, rru: 200 + 10 * symbols, wru: 2, logBytes: 4000 };
    // decision get/put, ledger read + conditional reservation put, candles, book
    case 'risk': return { ms: 120, rru: 15, wru: 22, logBytes: 2000 };
    // idempotency record, order create + 2 updates, fill, ledger put, paper venue
    case 'execution': return { ms: 300, rru: 10, wru: 30, logBytes: 2500 };
    case 'alert-notifier': return { ms: 300, rru: 0, wru: 0, logBytes: 1500 };
    default: return { ms: 1000, rru: 0, wru: 0, logBytes: 1000 }; // CDK custom resources: deploy time only (0 invocations)
  }
}

/** Invocations per month of the queue- and topic-driven functions. */
export function eventInvocations(fn: string, w: Workload, days: number): number {
  if (fn === 'risk') return ACTIVITY.intentsPerSymbolDay * w.symbols * days;
  if (fn === 'execution') return ACTIVITY.ordersPerSymbolDay * w.symbols * days;
  if (fn === 'alert-notifier') return ACTIVITY.alertsPerDay * days;
  return 0;
}

/**
 * The market stream's state-table writes per minute: one candle per symbol per cadence, the top of book per
 * symbol at most once a second (stream-market bookEveryMs default; Binance pushes tickers about every second),
 * and a heartbeat every 5 s. Each write is under 1 KB (1 WRU).
 */
export function streamWritesPerMinute(w: Workload): number {
  return w.symbols / w.cadenceMinutes + w.symbols * 60 + 12;
}

/** SQS requests per message through a FIFO queue: send, receive (batched, counted as one each), delete. */
export const SQS_REQUESTS_PER_MESSAGE = 3;
/** Empty long polls of one Lambda event source mapping: about 5 pollers × one 20 s ReceiveMessage each, per minute. */
export const IDLE_POLLS_PER_MINUTE = 15;
/** Custom metrics with a dimension are counted once per dimension value: endpoints timed, reason codes that occur. */
export const DIMENSION_VALUES: Readonly<Record<string, number>> = { endpoint: 6, reason: 8 };
/** Market stream CloudWatch Logs: a metrics line and an EMF document every minute, about 2 KB. */
export const STREAM_LOG_BYTES_PER_MINUTE = 2000;
/** VPC flow log bytes per month (one task ENI: the websocket and the HTTPS calls to DynamoDB and the exchange). */
export const FLOW_LOG_BYTES_PER_MONTH = 20e6;
/** Data sent to the internet per month: exchange REST calls, Slack webhooks (the websocket's inbound data is free). */
export const EGRESS_GB_PER_MONTH = 0.5;
/** Secrets Manager reads per month: exchange keys and the Slack webhook at cold starts (~1 per function per hour) and stream restarts. */
export const SECRET_READS_PER_MONTH = 3 * 730;
/** Days in the month the estimate uses (730 h). */
export const MONTH_DAYS = 730 / 24;
