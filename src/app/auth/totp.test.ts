import { describe, expect, it } from "vitest";
import { acceptTotp, newRecoveryCodes, newTotpSecret, totpCode, totpUri, useRecoveryCode } from "./totp.js";

const T0 = new Date("2025-06-15T12:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe("TOTP", () => {
  it("makes a 20-byte base32 secret and an otpauth URI authenticator apps read", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri(secret, "alice"));
    expect(uri.protocol).toBe("otpauth:");
    expect(decodeURIComponent(uri.pathname)).toContain("Rampart:alice");
    expect(uri.searchParams.get("issuer")).toBe("Rampart");
    expect(uri.searchParams.get("algorithm")).toBe("SHA1");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });

  it("accepts the current code and one step either side, not two", () => {
    const s = newTotpSecret();
    expect(acceptTotp(s, totpCode(s, T0), T0, null)).toBeTypeOf("number");
    expect(acceptTotp(s, totpCode(s, at(-30)), T0, null)).toBeTypeOf("number");
    expect(acceptTotp(s, totpCode(s, at(30)), T0, null)).toBeTypeOf("number");
    expect(acceptTotp(s, totpCode(s, at(-90)), T0, null)).toBeUndefined();
  });

  it("refuses a replayed code and any older step", () => {
    const s = newTotpSecret();
    const step = acceptTotp(s, totpCode(s, T0), T0, null);
    expect(step).toBeDefined();
    expect(acceptTotp(s, totpCode(s, T0), at(5), step ?? null)).toBeUndefined();
    expect(acceptTotp(s, totpCode(s, at(-30)), at(5), step ?? null)).toBeUndefined();
    expect(acceptTotp(s, totpCode(s, at(30)), at(30), step ?? null)).toBe((step ?? 0) + 1);
  });

  it("refuses malformed codes", () => {
    const s = newTotpSecret();
    expect(acceptTotp(s, "12345", T0, null)).toBeUndefined();
    expect(acceptTotp(s, "abcdef", T0, null)).toBeUndefined();
  });
});

describe("recovery codes", () => {
  it("makes ten distinct xxxxx-xxxxx codes stored as SHA-256 hex", () => {
    const { codes, hashes } = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
  });

  it("accepts each code once, whatever its case or dashes", () => {
    const { codes, hashes } = newRecoveryCodes();
    const code = codes[3] ?? "";
    const left = useRecoveryCode(hashes, code.toUpperCase().replace("-", " "));
    expect(left).toHaveLength(9);
    expect(useRecoveryCode(left ?? [], code)).toBeUndefined();
    expect(useRecoveryCode(hashes, "aaaaa-aaaaa")).toBeUndefined();
  });
});
