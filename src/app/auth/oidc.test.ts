// The pure rules on an identity provider's claims: role mapping and the username.

import { describe, expect, it } from "vitest";
import { mapRole, oidcSubjectOf, usernameOf, type OidcSettings } from "./oidc.js";

const settings: OidcSettings = {
  issuer: "https://idp.example",
  clientId: "rampart",
  clientSecret: "secret",
  redirectUri: "https://rampart.example/api/v1/auth/oidc/callback",
  scopes: "openid email profile",
  usernameClaim: "preferred_username",
  roleClaim: "groups",
  roleMap: { readers: "viewer", netops: "operator", "sec-admins": "admin", approvers: "approver" },
  createUsers: true,
  requireLocalMfa: false,
};

describe("mapRole", () => {
  it("gives the highest role of all matching groups", () => {
    expect(mapRole({ groups: ["readers", "approvers", "unrelated"] }, settings)).toBe("approver");
    expect(mapRole({ groups: ["sec-admins", "readers"] }, settings)).toBe("admin");
  });

  it("accepts a single group given as a string", () => {
    expect(mapRole({ groups: "netops" }, settings)).toBe("operator");
  });

  it("gives no role when no group is mapped or the claim is missing", () => {
    expect(mapRole({ groups: ["guests"] }, settings)).toBeUndefined();
    expect(mapRole({}, settings)).toBeUndefined();
    expect(mapRole({ groups: [42, null] }, settings)).toBeUndefined();
  });

  it("does not treat inherited object properties as groups", () => {
    expect(mapRole({ groups: ["constructor", "toString", "__proto__"] }, settings)).toBeUndefined();
  });

  it("reads the configured claim", () => {
    expect(mapRole({ roles: ["netops"] }, { ...settings, roleClaim: "roles" })).toBe("operator");
  });
});

describe("usernameOf", () => {
  it("prefers the configured claim and falls back to email", () => {
    expect(usernameOf({ preferred_username: "alice", email: "a@x.org" }, settings)).toEqual({
      ok: true,
      username: "alice",
    });
    expect(usernameOf({ email: "bob@example.org" }, settings)).toEqual({
      ok: true,
      username: "bob@example.org",
    });
  });

  it("refuses a missing or unusable name with a code", () => {
    expect(usernameOf({}, settings)).toMatchObject({ ok: false, code: "missing-username" });
    expect(usernameOf({ preferred_username: "Dr. Who?" }, settings)).toMatchObject({
      ok: false,
      code: "invalid-username",
    });
  });
});

it("oidcSubjectOf joins issuer and subject", () => {
  expect(oidcSubjectOf({ issuer: "https://idp.example", subject: "abc" })).toBe("https://idp.example#abc");
});
