/** Who listens to the alert topic: SNS ListSubscriptionsByTopic, paged; confirmed subscriptions and those pending confirmation. */
import { ListSubscriptionsByTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { snsClient } from './aws-clients.js';
import { translateAwsErrors } from './errors.js';

/** Subscriptions of `topicArn` (an e-mail not yet confirmed is listed as PendingConfirmation and receives nothing). */
export async function alertSubscriptions(topicArn: string, client: SNSClient = snsClient()): Promise<{ confirmed: number; pending: number }> {
  let confirmed = 0;
  let pending = 0;
  let token: string | undefined;
  do {
    const page = await translateAwsErrors('list alert subscriptions', () => client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token })));
    for (const s of page.Subscriptions ?? []) {
      if (s.SubscriptionArn?.startsWith('arn:')) confirmed++;
      else pending++;
    }
    token = page.NextToken;
  } while (token);
  return { confirmed, pending };
}
