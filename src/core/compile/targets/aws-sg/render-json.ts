// The groups as `aws ec2 describe-security-groups` prints them, so the file reads (and diffs) like what the
// account shows.

import { describeFlows, type SecurityGroup } from "./groups.js";
import type { AwsSgOptions } from "./options.js";
import { awsCidr, type Permission } from "./permissions.js";

function permissionJson(p: Permission): Record<string, unknown> {
  return {
    IpProtocol: p.spec.protocol,
    ...(p.spec.from !== undefined && { FromPort: p.spec.from }),
    ...(p.spec.to !== undefined && { ToPort: p.spec.to }),
    UserIdGroupPairs: [],
    IpRanges: p.v4.map((peer) => ({ CidrIp: awsCidr(peer.prefix), Description: describeFlows(peer.flows) })),
    Ipv6Ranges: p.v6.map((peer) => ({
      CidrIpv6: awsCidr(peer.prefix),
      Description: describeFlows(peer.flows),
    })),
    PrefixListIds: [],
  };
}

export function groupTags(point: string, g: SecurityGroup): { Key: string; Value: string }[] {
  return [
    { Key: "Name", Value: g.groupName },
    { Key: "rampart:asset", Value: g.asset },
    { Key: "rampart:point", Value: point },
  ];
}

function groupJson(point: string, g: SecurityGroup, options: AwsSgOptions): Record<string, unknown> {
  return {
    Description: g.description,
    GroupName: g.groupName,
    IpPermissions: g.ingress.map(permissionJson),
    OwnerId: options.account,
    GroupId: g.groupId,
    IpPermissionsEgress: g.egress.map(permissionJson),
    Tags: groupTags(point, g),
    VpcId: options.vpc,
    ...(options.region !== undefined && {
      SecurityGroupArn: `arn:aws:ec2:${options.region}:${options.account}:security-group/${g.groupId}`,
    }),
  };
}

/** The describe-security-groups document (4-space indent, like the AWS CLI), ending in a newline. */
export function renderJson(point: string, groups: readonly SecurityGroup[], options: AwsSgOptions): string {
  const doc = { SecurityGroups: groups.map((g) => groupJson(point, g, options)) };
  return `${JSON.stringify(doc, null, 4)}\n`;
}
