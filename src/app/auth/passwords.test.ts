import { describe, expect, it } from "vitest";
import { checkPassword, dummyHash, hashPassword, isRepetitive, verifyPassword } from "./passwords.js";
import { TEST_AUTH_CONFIG } from "./testing/fixtures.js";

const code = async (pw: string, user = "alice") => {
  const r = await checkPassword(pw, user);
  return r.ok ? "ok" : r.code;
};

describe("checkPassword", () => {
  it("accepts a long uncommon password without composition rules", async () => {
    expect(await code("violet harbor lantern")).toBe("ok");
    expect(await code("alllowercaseletters")).toBe("ok");
  });

  it("counts Unicode code points after NFKC, not UTF-16 units", async () => {
    // 11 emoji are 22 UTF-16 units but 11 characters: too short.
    expect(await code("🐢🦊🐙🦉🐝🦋🐞🦀🐬🦜🐧")).toBe("password-too-short");
    expect(await code("🐢🦊🐙🦉🐝🦋🐞🦀🐬🦜🐧🦔")).toBe("ok");
    // Full-width letters normalise to ASCII, so they do not hide a common password.
    expect(await code("ｐａｓｓｗｏｒｄ１２３４")).toBe("password-common");
  });

  it("rejects fewer than 12 and more than 256 characters", async () => {
    expect(await code("short-pass1")).toBe("password-too-short");
    expect(await code("x7".repeat(128) + "q")).toBe("password-too-long");
  });

  it("rejects passwords from the breached list, also padded with digits or symbols", async () => {
    expect(await code("qwertyuiop123")).toBe("password-common");
    expect(await code("1qaz2wsx3edc")).toBe("password-common");
    expect(await code("Password1234!")).toBe("password-common");
    expect(await code("!!Sunshine!!2024")).toBe("password-common");
  });

  it("rejects a password containing the username, in any case", async () => {
    expect(await code("my-name-is-ALICE-ok", "alice")).toBe("password-contains-username");
    expect(await code("my-name-is-al-ok-yes", "al")).toBe("ok");
  });

  it("rejects the product name", async () => {
    expect(await code("Rampart2025!!")).toBe("password-contains-product");
  });

  it("rejects repeated and sequential runs", async () => {
    expect(await code("aaaaaaaaaaaa")).toBe("password-repetitive");
    expect(await code("123456789012")).toBe("password-repetitive");
    expect(await code("abcabcabcabc")).toBe("password-repetitive");
    expect(await code("zyxwvutsrqpo")).toBe("password-repetitive");
  });
});

describe("isRepetitive", () => {
  it("does not flag ordinary text", () => {
    expect(isRepetitive("correct horse")).toBe(false);
    expect(isRepetitive("1234567890a1")).toBe(false);
  });
});

describe("hashPassword", () => {
  it("makes an argon2id hash that verifies the same password, normalised", async () => {
    const h = await hashPassword("Ｃafé ﬁsh tacos", TEST_AUTH_CONFIG.argon2);
    expect(h.startsWith("$argon2id$")).toBe(true);
    expect(await verifyPassword(h, "Cafe\u0301 fish tacos")).toBe(true);
    expect(await verifyPassword(h, "Cafe fish tacos")).toBe(false);
  });

  it("uses OWASP's minimum parameters by default config", async () => {
    const { DEFAULT_AUTH_CONFIG } = await import("./config.js");
    expect(DEFAULT_AUTH_CONFIG.argon2).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it("never verifies an empty or foreign hash, and the dummy hash matches nothing known", async () => {
    expect(await verifyPassword("", "anything at all")).toBe(false);
    expect(await verifyPassword("$argon2id$garbage", "anything at all")).toBe(false);
    const d = await dummyHash(TEST_AUTH_CONFIG.argon2);
    expect(await verifyPassword(d, "")).toBe(false);
  });
});
