/**
 * The one catalog of Stratus's CloudWatch metrics: name, unit, the functions that emit each (its `service`
 * dimension, Powertools' default) and any further dimension. Handlers emit from it and the CDK alarms and
 * dashboard (lib/) read from it, so what is watched cannot drift from what is emitted.
 */
import { STREAM_METRIC, STREAM_SERVICE_NAME } from './services/stream-metrics.js';

/** CloudWatch metrics namespace of every Stratus process (Powertools EMF). */
export const METRICS_NAMESPACE = 'Stratus';

/** Powertools service names that emit metrics: the `service` dimension of each. */
export type MetricService = 'signal' | 'risk' | 'execution' | 'metrics' | 'reconcile' | typeof STREAM_SERVICE_NAME;

/** A CloudWatch unit as Powertools spells it (a subset of MetricUnit's values). */
export type CatalogUnit = 'Count' | 'Percent' | 'Milliseconds' | 'Seconds' | 'None' | 'Count/Second';

/** One metric: what it measures, in which unit, emitted by whom, with which extra dimensions. */
export interface MetricDefinition {
  readonly name: string;
  readonly unit: CatalogUnit;
  readonly services: readonly MetricService[];
  /** Dimensions besides `service`; such a metric is emitted one datapoint per dimension value. */
  readonly dimensions: readonly string[];
  readonly description: string;
}

/** The functions that call the exchange through the Exchange port (and so emit its latency and errors). */
const EXCHANGE_CALLERS = ['risk', 'execution', 'metrics', 'reconcile'] as const satisfies readonly MetricService[];

function def(name: string, unit: CatalogUnit, services: readonly MetricService[], description: string, dimensions: readonly string[] = []): MetricDefinition {
  return { name, unit, services, dimensions, description };
}

const STREAM: readonly MetricService[] = [STREAM_SERVICE_NAME];

/** Every metric Stratus emits, by name. Money in the policy's quote currency ('None'), percentages as percent. */
export const METRICS = {
  intentsEmitted: def('intentsEmitted', 'Count', ['signal'], 'Intents sent to signals.fifo by one signal run'),
  symbolsEvaluated: def('symbolsEvaluated', 'Count', ['signal'], 'Symbol/strategy pairs evaluated by one signal run (0: empty universe)'),
  symbolsSkipped: def('symbolsSkipped', 'Count', ['signal'], 'Symbol/strategy pairs skipped by one signal run (missing or stale candles)'),
  intentsDropped: def('intentsDropped', 'Count', ['signal'], 'Entry intents over signals.maxIntentsPerCycle, not sent by one signal run'),
  riskExitsEmitted: def('riskExitsEmitted', 'Count', ['signal'], 'Risk exits (stop-loss, take-profit, ...) due in one signal run'),
  marketDataStale: def('marketDataStale', 'Count', ['signal'], '1 when the run found market data stale (entries suppressed)'),
  marketDataDegraded: def('marketDataDegraded', 'Count', ['signal'], '1 when the run read candles by REST (stream down)'),
  decisionsApproved: def('decisionsApproved', 'Count', ['risk'], 'Intents approved; also one datapoint per reason code (DRY_RUN) with `reason`', ['reason']),
  decisionsRejected: def('decisionsRejected', 'Count', ['risk'], 'Intents rejected; also one datapoint per reason code with `reason`', ['reason']),
  ordersSent: def('ordersSent', 'Count', ['execution'], 'Orders that reached the venue (placed or refused by it)'),
  fills: def('fills', 'Count', ['execution'], 'Orders that filled, wholly or in part'),
  fillRatio: def('fillRatio', 'None', ['execution'], 'Filled quantity / ordered quantity of each order sent (Average = fills / orders sent)'),
  orderRejections: def('orderRejections', 'Count', ['execution'], 'Orders the venue rejected'),
  exchangeLatencyMs: def('exchangeLatencyMs', 'Milliseconds', EXCHANGE_CALLERS, 'Wall time of one Exchange-port call (p50/p99 by endpoint)', ['endpoint']),
  exchangeApiErrors: def('exchangeApiErrors', 'Count', EXCHANGE_CALLERS, 'Exchange calls that failed on the exchange side (network, 5xx, timeouts)'),
  equity: def('equity', 'None', ['metrics'], 'Account equity marked to market'),
  drawdownPct: def('drawdownPct', 'Percent', ['metrics'], 'Drawdown of equity from its peak'),
  exposurePct: def('exposurePct', 'Percent', ['metrics'], 'Open positions\' notional in % of equity'),
  openPositions: def('openPositions', 'Count', ['metrics'], 'Positions held'),
  pendingOrders: def('pendingOrders', 'Count', ['metrics'], 'Approved orders not yet final (ledger reservations)'),
  realizedPnl: def('realizedPnl', 'None', ['metrics'], 'Realized PnL since the start'),
  unrealizedPnl: def('unrealizedPnl', 'None', ['metrics'], 'Unrealized PnL of open positions'),
  pnlDaily: def('pnlDaily', 'None', ['metrics'], 'Equity change since the UTC day began'),
  pnlWeekly: def('pnlWeekly', 'None', ['metrics'], 'Equity change since the UTC week (Monday) began'),
  pnlTotal: def('pnlTotal', 'None', ['metrics'], 'Equity change since the starting cash'),
  pnlDailyPct: def('pnlDailyPct', 'Percent', ['metrics'], 'pnlDaily in % of the day\'s starting equity'),
  pnlWeeklyPct: def('pnlWeeklyPct', 'Percent', ['metrics'], 'pnlWeekly in % of the week\'s starting equity'),
  pnlTotalPct: def('pnlTotalPct', 'Percent', ['metrics'], 'pnlTotal in % of the starting cash'),
  killSwitchState: def('killSwitchState', 'None', ['metrics'], 'Kill switch: 0 ARMED, 1 COOLDOWN, 2 TRIPPED'),
  killSwitchTrips: def('killSwitchTrips', 'Count', ['metrics', 'reconcile'], 'Kill switch trips made by this run (loss limits, drawdown, drift)'),
  circuitBreakerOpen: def('circuitBreakerOpen', 'None', ['metrics'], 'Circuit breaker: 0 closed, 1 open or half-open'),
  circuitBreakerTrips: def('circuitBreakerTrips', 'Count', ['metrics'], '1 when the breaker (re)opened since the previous metrics run'),
  exchangeConsecutiveErrors: def('exchangeConsecutiveErrors', 'Count', ['metrics'], 'Consecutive failed exchange calls (the breaker opens at its threshold)'),
  heartbeatAgeSeconds: def('heartbeatAgeSeconds', 'Seconds', ['metrics'], 'Age of the market stream\'s last heartbeat'),
  ordersReconciled: def('ordersReconciled', 'Count', ['reconcile'], 'Ledger orders updated from the exchange'),
  fillsBooked: def('fillsBooked', 'Count', ['reconcile'], 'Exchange trades booked by reconcile (missed fills)'),
  unknownOpenOrders: def('unknownOpenOrders', 'Count', ['reconcile'], 'Open orders with our prefix that could not be adopted'),
  balanceDrifts: def('balanceDrifts', 'Count', ['reconcile'], 'Currencies whose balance drifted above reconcile.driftAlertPct'),
  ordersTimedOut: def('ordersTimedOut', 'Count', ['reconcile'], 'Open orders cancelled or followed up on timeout'),
  heartbeatsWritten: def(STREAM_METRIC.heartbeats, 'Count', STREAM, 'Stream heartbeats written (the dead-man\'s switch)'),
  messagesReceived: def(STREAM_METRIC.messages, 'Count', STREAM, 'Websocket messages received'),
  messagesPerSecond: def(STREAM_METRIC.messageRate, 'Count/Second', STREAM, 'Websocket message rate'),
  streamReconnected: def(STREAM_METRIC.reconnects, 'Count', STREAM, 'Websocket reconnects'),
  streamStalled: def(STREAM_METRIC.stalls, 'Count', STREAM, 'Silent-stream reconnects forced'),
  candlesWritten: def(STREAM_METRIC.candlesWritten, 'Count', STREAM, 'Closed candles written'),
  candlesBackfilled: def(STREAM_METRIC.candlesBackfilled, 'Count', STREAM, 'Candles backfilled by REST'),
  backfillFailed: def(STREAM_METRIC.backfillErrors, 'Count', STREAM, 'Backfills that failed'),
  badTicksDropped: def(STREAM_METRIC.badTicks, 'Count', STREAM, 'Candles dropped by the bad-tick guard'),
  duplicateCandlesDropped: def(STREAM_METRIC.duplicates, 'Count', STREAM, 'Duplicate candles dropped'),
  candlesCorrected: def(STREAM_METRIC.corrected, 'Count', STREAM, 'Candles corrected by a later message'),
  storeWritesFailed: def(STREAM_METRIC.writeErrors, 'Count', STREAM, 'Market-table writes that failed'),
  streamLagMs: def(STREAM_METRIC.lag, 'Milliseconds', STREAM, 'Latest lag from candle close to write'),
} as const satisfies Record<string, MetricDefinition>;

/** A metric's catalog key (equal to its name). */
export type MetricName = keyof typeof METRICS;

/** The metrics a service emits, by name. */
export function metricsOf(service: MetricService): MetricDefinition[] {
  return Object.values(METRICS).filter((m) => (m.services as readonly MetricService[]).includes(service));
}
