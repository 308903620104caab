/**
 * The exchange request budget shared by every Lambda invocation, in the state table: one item per
 * exchange and window, pk RATE_LIMIT#{exchange}#{windowStart}, sk RATE_LIMIT, `used` (N), `expiresAt`
 * (epoch s, TTL). A charge is one conditional UpdateItem (ADD used :w IF used ≤ budget − w), so concurrent
 * charges can never together exceed the budget, and there is no read-modify-write race.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KEY } from '../resources.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { conditionalWrite } from './errors.js';
import { WindowedRateLimiter, type WindowedRateLimiterOptions } from './memory-rate-limiter.js';

/** Sort key of rate-limit window items. */
export const RATE_LIMIT_TYPE = 'RATE_LIMIT';

/** TTL attribute of window items (epoch seconds), the same name the market table expires candles by. */
export const RATE_LIMIT_TTL_ATTRIBUTE = 'expiresAt';

/** How long a window item outlives its window (for inspection), before TTL removes it. */
const RETAIN_MS = 60 * 60_000;

/** Partition key of the window item for `key` (exchange id) starting at `windowStart` (epoch ms). */
export function rateWindowPk(key: string, windowStart: number): string {
  return `${RATE_LIMIT_TYPE}#${key}#${windowStart}`;
}

/** Where the windows live, besides the limiter options. */
export interface DynamoRateLimiterOptions extends WindowedRateLimiterOptions {
  readonly tableName: string;
  readonly client?: DynamoDBDocumentClient;
}

/** RateLimiter on DynamoDB (or dynalite), shared by every process that builds one with the same table and key. */
export class DynamoRateLimiter extends WindowedRateLimiter {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoRateLimiterOptions) {
    super(options);
    this.#client = options.client ?? dynamoDocumentClient();
    this.#table = options.tableName;
  }

  protected async charge(windowStart: number, weight: number): Promise<boolean> {
    return conditionalWrite('rateLimitCharge', () => this.#client.send(new UpdateCommand({
      TableName: this.#table,
      Key: { [KEY.pk]: rateWindowPk(this.key, windowStart), [KEY.sk]: RATE_LIMIT_TYPE },
      UpdateExpression: 'ADD #used :w SET #expires = if_not_exists(#expires, :expires)',
      ConditionExpression: 'attribute_not_exists(#used) OR #used <= :room',
      ExpressionAttributeNames: { '#used': 'used', '#expires': RATE_LIMIT_TTL_ATTRIBUTE },
      ExpressionAttributeValues: {
        ':w': weight, ':room': this.budget - weight, ':expires': Math.ceil((windowStart + this.windowMs + RETAIN_MS) / 1000),
      },
    })));
  }
}
