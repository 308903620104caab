import type { SNSEvent } from 'aws-lambda';
import { ENV } from '../../shared/resources.js';
import { ConfigError } from '../../shared/runtime/errors.js';
import { withObservability } from '../../shared/runtime/middleware.js';
import { createAlertNotifier, SLACK_MENTION_ENV } from './notifier.js';
import { webhookFromSecret } from './webhook-secret.js';

const secretArn = process.env[ENV.slackWebhookSecretArn];
if (!secretArn) throw new ConfigError(`${ENV.slackWebhookSecretArn} is not set`);

const webhookUrl = webhookFromSecret(secretArn);
// Start the one secret read during the cold start; a failure here is retried on the first invocation.
webhookUrl().catch(() => undefined);

const mention = process.env[SLACK_MENTION_ENV];
const notify = createAlertNotifier({ webhookUrl, ...(mention ? { mention } : {}) });

/** SNS subscriber of the alert topic: forwards each alert to the Slack incoming webhook in the secret. */
export const handler = withObservability('alert-notifier', (event: SNSEvent) => notify(event));
