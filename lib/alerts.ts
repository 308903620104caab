import * as path from 'node:path';
import { Duration, SecretValue, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { SLACK_WEBHOOK_PLACEHOLDER } from '../functions/alert-notifier/placeholder.js';
import { ALERT_ENV, ENV } from '../shared/resources.js';
import { REPO_ROOT, StratusFunction } from './stratus-function.js';

/** Deliberately loose: one @, no spaces, a dot in the domain. SNS confirms the address anyway. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Options for the operator alert channel. */
export interface AlertsProps {
  /** Address subscribed to the topic by email (SNS sends a confirmation mail first). */
  readonly alertEmail?: string;
  /**
   * Create the Slack path: a secret for the incoming-webhook URL and a function that forwards every alert.
   * @default true
   */
  readonly slack?: boolean;
  /** Who an ESCALATED Slack message mentions (e.g. `<!channel>`, `<@U123>`, `<!subteam^S123>`). @default `<!channel>` */
  readonly slackEscalationMention?: string;
  readonly logRetention?: RetentionDays;
}

/**
 * The operator alert channel: an SNS topic encrypted with its own KMS key (CloudWatch alarms cannot
 * publish to a topic under the AWS-managed SNS key), TLS-only, with email and Slack subscribers.
 */
export class Alerts extends Construct {
  /** Where every alert and alarm goes. */
  public readonly topic: Topic;
  /** The topic's encryption key. */
  public readonly key: Key;
  /** Holds the Slack incoming-webhook URL (created with a placeholder; set it after deploy). */
  public readonly slackWebhookSecret?: Secret;
  /** The Slack forwarder. */
  public readonly slackNotifier?: StratusFunction;

  constructor(scope: Construct, id: string, props: AlertsProps = {}) {
    super(scope, id);
    if (props.alertEmail !== undefined && !EMAIL.test(props.alertEmail)) {
      throw new Error(`Alerts: alertEmail "${props.alertEmail}" is not an email address`);
    }

    this.key = new Key(this, 'Key', { enableKeyRotation: true, description: 'Stratus alert topic encryption' });
    this.key.addToResourcePolicy(new PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
    }));
    this.topic = new Topic(this, 'Topic', { displayName: 'Stratus alerts', masterKey: this.key, enforceSSL: true });

    if (props.alertEmail) this.topic.addSubscription(new EmailSubscription(props.alertEmail));
    if (props.slack ?? true) {
      this.slackWebhookSecret = new Secret(this, 'SlackWebhook', {
        description: 'Stratus: Slack incoming-webhook URL for alerts (replace the placeholder after deploy)',
        secretStringValue: SecretValue.unsafePlainText(SLACK_WEBHOOK_PLACEHOLDER),
      });
      Validations.of(this.slackWebhookSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Slack issues the webhook URL; Secrets Manager cannot rotate it. Rotate by creating a new webhook in Slack and updating the secret.',
      });
      this.slackNotifier = new StratusFunction(this, 'SlackNotifier', {
        entry: path.join(REPO_ROOT, 'functions/alert-notifier/handler.ts'),
        serviceName: 'alert-notifier',
        description: 'Stratus: forwards alerts from the SNS topic to Slack',
        timeout: Duration.seconds(15),
        environment: {
          [ENV.slackWebhookSecretArn]: this.slackWebhookSecret.secretArn,
          ...(props.slackEscalationMention ? { [ALERT_ENV.slackMention]: props.slackEscalationMention } : {}),
        },
        logRetention: props.logRetention,
      });
      this.slackWebhookSecret.grantRead(this.slackNotifier.fn);
      this.topic.addSubscription(new LambdaSubscription(this.slackNotifier.fn));
    }
  }

  /** Lets `grantee` publish alerts: sns:Publish on the topic and exactly the two KMS actions SNS encryption needs. */
  public grantPublish(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [this.key.keyArn],
    }));
  }
}
