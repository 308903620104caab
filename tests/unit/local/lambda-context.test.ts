import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../shared/local/lambda-context.js';

describe('lambdaContext', () => {
  it('has the fields the nodejs runtime sets, for $LATEST', () => {
    const ctx = lambdaContext('risk', { region: 'eu-west-1', accountId: '123456789012', memoryLimitInMB: 512, now: () => Date.UTC(2024, 4, 6, 7) });
    expect(ctx).toMatchObject({
      functionName: 'risk',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:risk',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/risk',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(ctx.logStreamName).toMatch(/^2024\/05\/06\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(ctx.awsRequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('gives every invocation its own awsRequestId', () => {
    const ids = new Set(Array.from({ length: 50 }, () => lambdaContext('signal').awsRequestId));
    expect(ids.size).toBe(50);
  });

  it('counts the remaining time down from the timeout and stops at zero', () => {
    let now = 1_000_000;
    const ctx = lambdaContext('execution', { timeoutSeconds: 60, now: () => now });
    expect(ctx.getRemainingTimeInMillis()).toBe(60_000);
    now += 59_000;
    expect(ctx.getRemainingTimeInMillis()).toBe(1_000);
    now += 5_000;
    expect(ctx.getRemainingTimeInMillis()).toBe(0);
  });

  it("defaults to Lambda's 3 s timeout and 128 MB", () => {
    const now = 5;
    const ctx = lambdaContext('metrics', { now: () => now });
    expect(ctx.getRemainingTimeInMillis()).toBe(3_000);
    expect(ctx.memoryLimitInMB).toBe('128');
  });

  it('reports done, fail and succeed to onDone', () => {
    const calls: [string | undefined, unknown][] = [];
    const ctx = lambdaContext('reconcile', { onDone: (e, r) => calls.push([e?.message, r]) });
    ctx.succeed({ ok: 1 });
    ctx.fail('boom');
    ctx.done(new Error('bad'), 'x');
    expect(calls).toEqual([[undefined, { ok: 1 }], ['boom', undefined], ['bad', 'x']]);
  });
});
