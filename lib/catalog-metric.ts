import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS_NAMESPACE, type MetricDefinition, type MetricService } from '../shared/metrics-catalog.js';

/** Options for one catalog metric: statistic, period and the values of its extra dimensions. */
export interface CatalogMetricOptions {
  readonly statistic?: string;
  readonly period?: Duration;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly label?: string;
}

/**
 * The CloudWatch metric of a catalog entry as `service` emits it. Throws at synth when the catalog says the service
 * does not emit it or lacks a dimension, so an alarm or a widget can never watch a metric nobody emits.
 */
export function catalogMetric(def: MetricDefinition, service: MetricService, opts: CatalogMetricOptions = {}): Metric {
  if (!def.services.includes(service)) throw new Error(`catalog: ${service} does not emit ${def.name}`);
  for (const d of Object.keys(opts.dimensions ?? {})) {
    if (!def.dimensions.includes(d)) throw new Error(`catalog: ${def.name} has no ${d} dimension`);
  }
  return new Metric({
    namespace: METRICS_NAMESPACE, metricName: def.name, dimensionsMap: { service, ...opts.dimensions },
    statistic: opts.statistic ?? 'Average', period: opts.period ?? Duration.minutes(1),
    ...(opts.label ? { label: opts.label } : {}),
  });
}
