/** Value the Slack webhook secret is created with; while it is still there, the notifier forwards nothing. */
export const SLACK_WEBHOOK_PLACEHOLDER = 'REPLACE_ME: put the Slack incoming-webhook URL (https://hooks.slack.com/services/...) here';
