/**
 * A loopback HTTP proxy in front of dynalite that answers some requests the way DynamoDB throttles them:
 * HTTP 400 with DynamoDB's JSON error body (ProvisionedThroughputExceededException or ThrottlingException),
 * so the real AWS SDK parses it and raises its own exception class. A throttled request is never forwarded:
 * DynamoDB refuses it before acting. Everything else is passed through unchanged.
 */
import { createServer, request as forward, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The two throttling errors DynamoDB answers with, as its wire format names them. */
export const DYNAMO_THROTTLES = {
  provisioned: {
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  throttling: { __type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
} as const;

/** Decides per request (by its X-Amz-Target operation, e.g. "PutItem") whether to throttle it, and how. */
export type ThrottleHook = (operation: string) => keyof typeof DYNAMO_THROTTLES | undefined;

/** The proxy. Point the SDK at `endpoint`; set `throttle` to inject; `throttled` counts by error and operation. */
export class DynamoThrottleProxy {
  throttle: ThrottleHook = () => undefined;
  readonly throttled: Record<string, number> = {};
  readonly #agent = new Agent({ keepAlive: true });

  private constructor(private readonly server: Server, readonly endpoint: string, private readonly target: URL) {}

  /** Starts on a free loopback port, forwarding to `dynamoEndpoint`. */
  static async start(dynamoEndpoint: string): Promise<DynamoThrottleProxy> {
    let proxy: DynamoThrottleProxy | undefined;
    const server = createServer((req, res) => { void proxy!.#serve(req, res); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new DynamoThrottleProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, new URL(dynamoEndpoint));
    return proxy;
  }

  async stop(): Promise<void> {
    this.#agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    const kind = this.throttle(operation);
    if (kind) {
      const key = `${DYNAMO_THROTTLES[kind].__type.split('#')[1]} on ${operation}`;
      this.throttled[key] = (this.throttled[key] ?? 0) + 1;
      const text = JSON.stringify(DYNAMO_THROTTLES[kind]);
      res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': `throttle-${Date.now()}`,
      });
      res.end(text);
      return;
    }
    const upstream = forward({
      host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers, agent: this.#agent,
    }, (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }
}
