import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** The one structured logger of every Stratus process (service name from POWERTOOLS_SERVICE_NAME). */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'stratus' });

/** The one EMF metrics emitter (namespace from POWERTOOLS_METRICS_NAMESPACE, default Stratus). */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Stratus',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'stratus',
});
