/**
 * The report function invoked by hand (an empty test event from the console or `aws lambda invoke`) reports the
 * UTC day before now, as the schedule does for the day that just ended — it must not fail on the 'manual' time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { provision } from '../../../shared/local/provision.js';
import { loadConfig } from '../../../shared/runtime/config.js';
import { buildDeps } from '../../../shared/runtime/deps.js';

let e: Emulators;
const saved = { ...process.env };

beforeAll(async () => {
  e = await startEmulators();
  Object.assign(process.env, emulatorEnv(e), (await provision(e, 'rptman')).env);
});
afterAll(async () => {
  process.env = saved;
  await e?.stop();
});

// The handler module builds its Lambda deps at import, so it is loaded once the emulators' environment is set.
const reportHandler = async () => (await import('../../../functions/report/handler.js')).createReportHandler;

describe('report function', () => {
  it('reports the day before now when invoked by hand with an empty event', async () => {
    const now = Date.UTC(2021, 4, 20, 9, 30);
    const handler = (await reportHandler())(buildDeps(loadConfig(), { clock: { now: () => now } }));
    const result = (await handler({}, lambdaContext('report'))) as { day: string };
    expect(result.day).toBe('2021-05-19');
  });

  it('reports the day that just ended when the schedule fires shortly after midnight', async () => {
    const handler = (await reportHandler())(buildDeps(loadConfig(), { clock: { now: () => Date.UTC(2021, 4, 20, 0, 0, 56) } }));
    const event = { source: 'stratus.scheduler', job: 'report', scheduledTime: '2021-05-20T00:00:55Z' };
    expect(((await handler(event, lambdaContext('report'))) as { day: string }).day).toBe('2021-05-19');
  });
});
