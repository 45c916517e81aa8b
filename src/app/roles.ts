// Roles and what each may do: the one table every route and token scope is checked against.

export const ROLES = ["viewer", "requester", "approver", "policy-admin", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Read the policy, its versions, the matrix, reach and explain answers, compiled configs, requests. */
  "policy:read",
  /** File and withdraw one's own access requests. */
  "request:create",
  /** Approve or reject others' access requests and proposed versions. */
  "request:decide",
  /** Propose and restore policy versions. */
  "policy:write",
  /** Recertify or let expire the flows one is responsible for. */
  "recert:decide",
  /** Compile and store configurations, record deployments and their verification. */
  "deploy:write",
  /** Upload a device configuration for analysis or verification. */
  "config:analyze",
  /** Read and export the audit log. */
  "audit:read",
  /** Manage users, their roles, MFA resets and everyone's tokens. */
  "user:admin",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ["policy:read"],
  requester: ["policy:read", "request:create"],
  approver: ["policy:read", "request:create", "request:decide", "recert:decide"],
  "policy-admin": [
    "policy:read",
    "request:create",
    "request:decide",
    "policy:write",
    "recert:decide",
    "config:analyze",
  ],
  operator: ["policy:read", "request:create", "deploy:write", "config:analyze", "audit:read"],
  admin: [...PERMISSIONS],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/**
 * Roles that can change what the network lets through (directly or by approving) must sign in with a second
 * factor; viewers and requesters may, but need not.
 */
export function roleNeedsMfa(role: Role): boolean {
  return GRANTS[role].some((p) => p !== "policy:read" && p !== "request:create");
}
