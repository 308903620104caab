import type { MetricDefinition } from '../metrics-catalog.js';
import { metrics } from './observability.js';

/** Adds one value of a catalog metric to the invocation's EMF document (flushed by withObservability). */
export function emitMetric(def: MetricDefinition, value: number): void {
  metrics.addMetric(def.name, def.unit, value);
}

/** Publishes `value` once per dimension value at once, each as its own EMF document with `dimension` set. */
export function emitPerDimension(def: MetricDefinition, dimension: string, values: readonly string[], value = 1): void {
  if (!def.dimensions.includes(dimension)) throw new Error(`metric ${def.name} has no ${dimension} dimension in the catalog`);
  for (const v of values) {
    const single = metrics.singleMetric();
    single.addDimension(dimension, v);
    single.addMetric(def.name, def.unit, value);
  }
}
