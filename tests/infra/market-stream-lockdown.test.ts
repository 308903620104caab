import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MarketStream } from '../../lib/market-stream.js';
import { StateTables } from '../../lib/state-tables.js';
import { SKIP_BUNDLING } from './template-helpers.js';

type Resources = Record<string, { Properties?: Record<string, any> }>;

let template: Template | undefined;
/** The market stream alone on the real tables; synthesised once (the image context is copied per synth). */
function streamTemplate(): Template {
  if (template) return template;
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'StreamLockdown');
  const tables = new StateTables(stack, 'Tables');
  new MarketStream(stack, 'MarketStream', { marketTable: tables.market, policyTable: tables.policy, exchangeId: 'binance' });
  return (template = Template.fromStack(stack));
}

/** The VPC's Amazon-provided DNS resolver: the base of its CIDR plus two. */
function resolverOf(cidr: string): string {
  const [base] = cidr.split('/');
  const octets = base!.split('.').map(Number);
  octets[3] = octets[3]! + 2;
  return `${octets.join('.')}/32`;
}

describe('market stream network and filesystem lockdown', () => {
  it('lets the task out only on TCP 443 to anywhere and DNS (UDP and TCP 53) to the VPC resolver, with no inbound rules', () => {
    const t = streamTemplate();
    const vpcs = Object.values(t.findResources('AWS::EC2::VPC') as Resources);
    expect(vpcs).toHaveLength(1);
    const resolver = resolverOf(vpcs[0]!.Properties!.CidrBlock as string);
    const groups = Object.values(t.findResources('AWS::EC2::SecurityGroup') as Resources);
    expect(groups).toHaveLength(1);
    const sg = groups[0]!.Properties!;
    expect(sg.SecurityGroupIngress).toBeUndefined();
    const egress = (sg.SecurityGroupEgress as Record<string, unknown>[])
      .map((r) => `${String(r.IpProtocol)} ${String(r.FromPort)}-${String(r.ToPort)} ${String(r.CidrIp ?? r.CidrIpv6 ?? r.DestinationSecurityGroupId)}`)
      .sort();
    expect(egress).toEqual([`tcp 443-443 0.0.0.0/0`, `tcp 53-53 ${resolver}`, `udp 53-53 ${resolver}`]);
    t.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    // That group is the service's: public subnets with a public IP, no NAT gateway to route through.
    const sgId = Object.keys(t.findResources('AWS::EC2::SecurityGroup'))[0]!;
    t.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED', SecurityGroups: [{ 'Fn::GetAtt': [sgId, 'GroupId'] }] }) },
    });
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it('runs the container on a read-only root filesystem with no writable volume', () => {
    const t = streamTemplate();
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ ReadonlyRootFilesystem: true, MountPoints: Match.absent() })],
      Volumes: Match.absent(),
    });
  });
});
