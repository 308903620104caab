/**
 * A Lambda invocation context shaped like the one the nodejs runtime passes, so handlers
 * (and Powertools, which reads it) cannot tell the embedded runtime from AWS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** How the emulated function is configured; defaults are Lambda's own (3 s, 128 MB). */
export interface LambdaContextOptions {
  /** Function timeout; getRemainingTimeInMillis() counts down from it. Default 3. */
  readonly timeoutSeconds?: number;
  readonly memoryLimitInMB?: number;
  readonly region?: string;
  readonly accountId?: string;
  /** Defaults to a fresh UUID, as on AWS. */
  readonly awsRequestId?: string;
  /** Wall-clock source, epoch ms (Lambda's deadline is real time, not replay time). Default Date.now. */
  readonly now?: () => number;
  /** Receives what the deprecated done/fail/succeed were called with. */
  readonly onDone?: (error: Error | undefined, result: unknown) => void;
}

/** Builds the context for one invocation of `functionName`: a unique awsRequestId and a deadline from now. */
export function lambdaContext(functionName: string, opts: LambdaContextOptions = {}): Context {
  const now = opts.now ?? Date.now;
  const timeoutMs = (opts.timeoutSeconds ?? 3) * 1000;
  const deadline = now() + timeoutMs;
  const region = opts.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const done = (error?: Error, result?: unknown): void => opts.onDone?.(error, result);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(opts.memoryLimitInMB ?? 128),
    awsRequestId: opts.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: logStreamName(now()),
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done,
    fail: (error: Error | string) => done(typeof error === 'string' ? new Error(error) : error, undefined),
    succeed: (result: unknown) => done(undefined, result),
  };
}

/** Lambda's stream name format: `2024/01/31/[$LATEST]<32 hex>`. */
function logStreamName(at: number): string {
  const day = new Date(at).toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
