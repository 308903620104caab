import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ALERT_ENV } from '../../shared/resources.js';
import { buildForTest, functionId } from './template-helpers.js';

const vars = (template: Template, service: string) =>
  template.toJSON().Resources[functionId(template, service)].Properties.Environment.Variables as Record<string, unknown>;

describe('alerting context', () => {
  it('passes -c alertOverrides to every pipeline function and -c slackEscalationMention to the Slack notifier', () => {
    const overrides = { MARKET_DATA_STALE: { dedupSeconds: 1800 }, KILL_SWITCH_TRIPPED: { escalateAfterSeconds: 300 } };
    const template = Template.fromStack(buildForTest({ alertOverrides: JSON.stringify(overrides), slackEscalationMention: '<!subteam^S0OPS>' }).stack);
    for (const name of ['signal', 'risk', 'execution', 'metrics', 'reconcile', 'report']) {
      expect(JSON.parse(vars(template, name)[ALERT_ENV.overrides] as string), name).toEqual(overrides);
    }
    expect(vars(template, 'alert-notifier')[ALERT_ENV.slackMention]).toBe('<!subteam^S0OPS>');
  });

  it('sets neither variable without the context (the catalogue and <!channel> apply)', () => {
    const template = Template.fromStack(buildForTest({}).stack);
    expect(vars(template, 'signal')[ALERT_ENV.overrides]).toBeUndefined();
    expect(vars(template, 'alert-notifier')[ALERT_ENV.slackMention]).toBeUndefined();
  });

  it('refuses an override for a kind the catalogue does not have, at synth', () => {
    expect(() => buildForTest({ alertOverrides: '{"NO_SUCH_ALERT":{"dedupSeconds":5}}' })).toThrow(/alertOverrides/);
  });
});
