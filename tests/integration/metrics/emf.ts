/**
 * Runs a real handler on the emulators with Powertools Metrics enabled and captures the EMF documents it writes
 * to stdout (Powertools writes them with console.log on a Console bound to process.stdout), so a test can assert
 * each metric's name, unit and dimensions against shared/metrics-catalog.ts.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { expect } from 'vitest';
import { SqsEventSource } from '../../../shared/local/sqs-event-source.js';
import { METRICS, METRICS_NAMESPACE, type MetricDefinition, type MetricService } from '../../../shared/metrics-catalog.js';
import { QUEUES } from '../../../shared/resources.js';
import type { Deps } from '../../../shared/runtime/deps.js';
import { startPipelineEnv, type PipelineEnv } from '../../support/pipeline-env.js';

/** One metric value as CloudWatch would read it from an EMF document. */
export interface EmittedMetric {
  readonly name: string;
  readonly unit: string;
  readonly dimensions: readonly string[];
  readonly dimensionValues: Readonly<Record<string, string>>;
  readonly namespace: string;
  readonly values: readonly number[];
}

interface EmfDocument {
  readonly _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  readonly [key: string]: unknown;
}

/** The EMF documents in captured stdout text, flattened into one entry per metric and dimension set. */
export function parseEmf(text: string): EmittedMetric[] {
  const out: EmittedMetric[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"_aws"')) continue;
    let doc: EmfDocument;
    try { doc = JSON.parse(line) as EmfDocument; } catch { continue; }
    for (const directive of doc._aws.CloudWatchMetrics) {
      for (const dims of directive.Dimensions) {
        for (const m of directive.Metrics) {
          const raw = doc[m.Name];
          out.push({
            name: m.Name, unit: m.Unit, dimensions: [...dims].sort(), namespace: directive.Namespace,
            dimensionValues: Object.fromEntries(dims.map((d) => [d, String(doc[d])])),
            values: (Array.isArray(raw) ? raw : [raw]) as number[],
          });
        }
      }
    }
  }
  return out;
}

/** Captures what is written to process.stdout while `run` runs. */
export async function captureStdout(run: () => Promise<unknown>): Promise<string> {
  const original = process.stdout.write.bind(process.stdout);
  let text = '';
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = original;
  }
  return text;
}

/** Runs `run` and returns the application metrics it emitted (Powertools' ColdStart left out). */
export async function emittedBy(run: () => Promise<unknown>): Promise<EmittedMetric[]> {
  return parseEmf(await captureStdout(run)).filter((m) => m.name !== 'ColdStart');
}

/**
 * A pipeline environment whose handlers emit metrics as `service` (as on AWS, where POWERTOOLS_SERVICE_NAME is the
 * function's name), with Deps wired as lambdaDeps wires them: exchange calls metered into EMF.
 */
export async function startMetricsEnv(service: MetricService, start: number): Promise<{ env: PipelineEnv; deps: Deps }> {
  const enabled = { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_SERVICE_NAME: service, POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE };
  // The Metrics singleton reads the environment when first imported, before startPipelineEnv disables metrics.
  Object.assign(process.env, enabled);
  const { metrics } = await import('../../../shared/runtime/observability.js');
  const env = await startPipelineEnv(`m${service.slice(0, 3)}${process.pid}`, start);
  Object.assign(process.env, enabled); // singleMetric() builds a new Metrics, which reads it again
  const { emfExchangeMeter } = await import('../../../shared/adapters/metered-exchange.js');
  const { loadConfig } = await import('../../../shared/runtime/config.js');
  const { buildDeps } = await import('../../../shared/runtime/deps.js');
  return { env, deps: buildDeps(loadConfig(), { clock: env.clock, meter: emfExchangeMeter(metrics) }) };
}

/** Polls a queue of the environment once into `handler`, as the Lambda event source mapping would. */
export function pollInto(env: PipelineEnv, id: 'signals' | 'orders', handler: (e: SQSEvent, c: Context) => Promise<unknown>) {
  const q = env.provisioned.queues[id];
  return new SqsEventSource({
    sqs: env.sqs, queueUrl: q.url, queueArn: q.arn, batchSize: QUEUES[id].batchSize, region: env.emulators.region,
    functionName: id === 'signals' ? 'risk' : 'execution', handler: handler as never,
  }).pollOnce();
}

/**
 * Every emitted metric is in the catalog for `service`, in namespace Stratus, with the catalog's unit, a `service`
 * dimension equal to `service` and no dimension the catalog does not list; and every name in `always` was emitted.
 */
export function expectCatalogMetrics(emitted: readonly EmittedMetric[], service: MetricService, always: readonly MetricDefinition[]): void {
  expect(emitted.length).toBeGreaterThan(0);
  const catalog = METRICS as Record<string, MetricDefinition>;
  for (const m of emitted) {
    const def = catalog[m.name];
    expect(def, `${m.name} is not in shared/metrics-catalog.ts`).toBeDefined();
    expect(def!.services, `${m.name} is not listed as emitted by ${service}`).toContain(service);
    expect(m.unit, `unit of ${m.name}`).toBe(def!.unit);
    expect(m.namespace).toBe(METRICS_NAMESPACE);
    expect(m.dimensionValues['service'], `service dimension of ${m.name}`).toBe(service);
    expect(m.dimensions.filter((d) => d !== 'service').every((d) => def!.dimensions.includes(d)), `dimensions of ${m.name}: ${m.dimensions.join()}`).toBe(true);
  }
  expect([...new Set(emitted.map((m) => m.name))]).toEqual(expect.arrayContaining(always.map((d) => d.name)));
}

/** The values of one metric with exactly these extra dimension values (service aside). */
export function valuesOf(emitted: readonly EmittedMetric[], def: MetricDefinition, dims: Readonly<Record<string, string>> = {}): number[] {
  const extra = Object.keys(dims).sort();
  return emitted
    .filter((m) => m.name === def.name && m.dimensions.filter((d) => d !== 'service').join() === extra.join())
    .filter((m) => extra.every((d) => m.dimensionValues[d] === dims[d]))
    .flatMap((m) => m.values);
}
