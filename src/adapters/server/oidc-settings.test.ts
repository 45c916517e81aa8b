// Reading OIDC settings: defaults filled in, every problem reported, the secret from the environment.

import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { oidcSettingsFromEnv, parseOidcSettings, readOidcSettings } from "./oidc-settings.js";

const minimal = {
  issuer: "https://idp.example",
  clientId: "rampart",
  clientSecret: "s3cret",
  redirectUri: "https://rampart.example/api/v1/auth/oidc/callback",
  roleMap: { netops: "operator" },
};

describe("parseOidcSettings", () => {
  it("fills in the defaults", () => {
    const r = parseOidcSettings(minimal, "test");
    expect(r).toMatchObject({
      ok: true,
      settings: {
        scopes: "openid email profile",
        usernameClaim: "preferred_username",
        roleClaim: "groups",
        createUsers: true,
        requireLocalMfa: false,
      },
    });
  });

  it("reports every problem at once, never the secret", () => {
    const r = parseOidcSettings(
      { ...minimal, issuer: "http://idp.example", roleMap: { x: "overlord" }, scopes: "email", extra: 1 },
      "test",
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe("invalid-oidc-settings");
    expect(r.message).toMatch(/issuer: must be an https:\/\/ URL/);
    expect(r.message).toMatch(/roleMap\.x/);
    expect(r.message).toMatch(/scopes: must include "openid"/);
    expect(r.message).toMatch(/extra/);
    expect(r.message).not.toContain("s3cret");
  });

  it("allows plain http only on a loopback host", () => {
    expect(parseOidcSettings({ ...minimal, issuer: "http://127.0.0.1:8080" }, "test").ok).toBe(true);
  });
});

describe("readOidcSettings", () => {
  it("reads a file and takes the secret from RAMPART_OIDC_CLIENT_SECRET", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rampart-oidc-"));
    const { clientSecret: _omit, ...noSecret } = minimal;
    await writeFile(join(dir, "oidc.json"), JSON.stringify(noSecret));
    const r = await readOidcSettings("oidc.json", dir, { RAMPART_OIDC_CLIENT_SECRET: "from-env" });
    expect(r).toMatchObject({ ok: true, settings: { clientSecret: "from-env" } });
  });

  it("says clearly when the file is missing or not JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rampart-oidc-"));
    expect(await readOidcSettings("nope.json", dir, {})).toMatchObject({
      ok: false,
      code: "oidc-settings-unreadable",
      message: 'Cannot read the OIDC settings "nope.json": no such file or folder',
    });
    await writeFile(join(dir, "bad.json"), "{");
    expect(await readOidcSettings("bad.json", dir, {})).toMatchObject({
      ok: false,
      code: "invalid-oidc-settings",
    });
  });
});

describe("oidcSettingsFromEnv", () => {
  it("is off without RAMPART_OIDC_ISSUER and reads the variables otherwise", () => {
    expect(oidcSettingsFromEnv({})).toBeUndefined();
    const r = oidcSettingsFromEnv({
      RAMPART_OIDC_ISSUER: minimal.issuer,
      RAMPART_OIDC_CLIENT_ID: "rampart",
      RAMPART_OIDC_CLIENT_SECRET: "s",
      RAMPART_OIDC_REDIRECT_URI: minimal.redirectUri,
      RAMPART_OIDC_ROLE_MAP: '{"admins":"admin"}',
      RAMPART_OIDC_CREATE_USERS: "false",
    });
    expect(r).toMatchObject({ ok: true, settings: { roleMap: { admins: "admin" }, createUsers: false } });
  });

  it("refuses a role map that is not JSON", () => {
    const r = oidcSettingsFromEnv({ RAMPART_OIDC_ISSUER: minimal.issuer, RAMPART_OIDC_ROLE_MAP: "{" });
    expect(r).toMatchObject({ ok: false, code: "invalid-oidc-settings" });
  });
});
