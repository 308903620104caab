import { Duration } from 'aws-cdk-lib';
import { Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../../shared/domain/money.js';
import { estimateCost, type CostEstimate } from '../../../shared/cost/estimate.js';
import { inventoryOf, perMonth, type CfnTemplate } from '../../../shared/cost/inventory.js';
import { loadPrices } from '../../../shared/cost/prices.js';
import { synthTemplate } from '../../../shared/cost/synth.js';

const WORKLOAD = { symbols: 5, cadenceMinutes: 1 };
let base: CfnTemplate;
let onDemand: CostEstimate;
const count = (t: CfnTemplate, type: string) => Object.values(t.Resources).filter((r) => r.Type === type).length;
const line = (e: CostEstimate, match: RegExp) => e.lines.find((l) => match.test(`${l.service} ${l.item}`))!;

beforeAll(async () => {
  base = await synthTemplate();
  onDemand = estimateCost(inventoryOf(base), WORKLOAD, await loadPrices('us-east-1'));
}, 120_000);

describe('stratus cost: the monthly figure from the synthesized stack', () => {
  it('prices the resources the template defines, and its lines sum exactly to the total', () => {
    expect(line(onDemand, /^CloudWatch \d+ alarms/).item).toBe(`${count(base, 'AWS::CloudWatch::Alarm')} alarms (standard-resolution metrics)`);
    expect(line(onDemand, /^CloudWatch \d+ dashboard/).quantity).toBe(count(base, 'AWS::CloudWatch::Dashboard'));
    expect(line(onDemand, /^Secrets Manager \d+ secrets/).quantity).toBe(count(base, 'AWS::SecretsManager::Secret'));
    expect(line(onDemand, /^EventBridge Scheduler/).item).toBe(`${count(base, 'AWS::Scheduler::Schedule')} schedules`);
    expect(line(onDemand, /^Lambda signal: 43800 invocations × 300 ms × 512 MB arm64/)).toBeDefined();
    expect(line(onDemand, /^Fargate market stream vCPU \(0.25 vCPU ARM64\)/).quantity).toBe(182.5);
    expect(line(onDemand, /^VPC public IPv4/).monthly).toBe('3.65');
    const sum = onDemand.lines.reduce((s, l) => s.add(l.monthly), new Decimal(0));
    expect(sum.toFixed(4)).toBe(onDemand.total);
    for (const l of onDemand.lines) expect(new Decimal(l.quantity).mul(l.unitPrice).sub(l.monthly).abs().lte('0.0001'), l.item).toBe(true);
  });

  it('goes up by one alarm metric-month ($0.10) when the stack gains an alarm', async () => {
    const amended = await synthTemplate({}, (stack) => {
      new Alarm(stack, 'ExtraAlarm', { metric: new Metric({ namespace: 'Stratus', metricName: 'extra', period: Duration.minutes(1) }), threshold: 1, evaluationPeriods: 1 });
    });
    const more = estimateCost(inventoryOf(amended), WORKLOAD, await loadPrices('us-east-1'));
    expect(new Decimal(more.total).sub(onDemand.total).toFixed()).toBe('0.1');
    expect(line(more, /^CloudWatch \d+ alarms/).item).toBe(`${count(base, 'AWS::CloudWatch::Alarm') + 1} alarms (standard-resolution metrics)`);
  }, 120_000);

  it('is cheaper on Fargate Spot (context spot=true), by the market stream\'s compute alone', async () => {
    const spot = estimateCost(inventoryOf(await synthTemplate({ spot: true })), WORKLOAD, await loadPrices('us-east-1'));
    expect(new Decimal(spot.total).lt(onDemand.total)).toBe(true);
    expect(line(spot, /^Fargate Spot market stream vCPU/).unitPrice).toBeLessThan(line(onDemand, /^Fargate market stream vCPU/).unitPrice);
    const others = (e: CostEstimate) => e.lines.filter((l) => !l.service.startsWith('Fargate')).reduce((s, l) => s.add(l.monthly), new Decimal(0)).toFixed();
    expect(others(spot)).toBe(others(onDemand));
  }, 120_000);

  it('scales the signal function with the cadence and the stream with the symbol count', async () => {
    const prices = await loadPrices('us-east-1');
    const slow = estimateCost(inventoryOf(base), { symbols: 5, cadenceMinutes: 5 }, prices);
    expect(line(slow, /^Lambda signal: 8760 invocations/)).toBeDefined();
    const wide = estimateCost(inventoryOf(base), { symbols: 10, cadenceMinutes: 1 }, prices);
    expect(line(wide, /market stream writes/).quantity).toBeGreaterThan(line(onDemand, /market stream writes/).quantity);
  });

  it.each([
    ['cron(* * * * ? *)', 43_800], ['cron(0/5 * * * ? *)', 8_760], ['cron(0 0 * * ? *)', 730 / 24], ['rate(10 minutes)', 4_380], ['rate(2 hours)', 365],
  ])('counts %s as %d invocations a month', (expression, n) => {
    expect(perMonth(expression)).toBeCloseTo(n, 6);
  });

  it('refuses a region without a price sheet, naming the ones it has', async () => {
    await expect(loadPrices('eu-west-1')).rejects.toThrow(/no price sheet for eu-west-1 .*have: us-east-1/);
  });
});
