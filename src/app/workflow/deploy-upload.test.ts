import { describe, expect, it } from "vitest";
import { checkUpload, UPLOAD_LIMITS } from "./deploy-upload.js";

describe("checkUpload", () => {
  it("accepts named text files as they are", () => {
    const r = checkUpload([{ name: "edge-fw.nft", text: "table inet rampart {}\n" }]);
    expect(r).toEqual({ ok: true, files: [{ name: "edge-fw.nft", text: "table inet rampart {}\n" }] });
  });

  it("refuses an empty upload and more files than the limit", () => {
    expect(checkUpload([])).toMatchObject({ ok: false, message: expect.stringMatching(/no file/) });
    const many = Array.from({ length: UPLOAD_LIMITS.files + 1 }, (_, i) => ({ name: `f${i}`, text: "" }));
    expect(checkUpload(many)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/21 files, at most 20/),
    });
  });

  it("refuses more than 10 MB in all, counting bytes rather than characters", () => {
    const half = "é".repeat(3 * 1024 * 1024); // 6 MB in UTF-8, 3 M characters
    const r = checkUpload([
      { name: "a", text: half },
      { name: "b", text: half },
    ]);
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/more than 10 MB/) });
  });

  it("refuses bad names: empty, repeated, with control characters, not strings", () => {
    expect(checkUpload([{ name: " ", text: "" }])).toMatchObject({ ok: false });
    expect(
      checkUpload([
        { name: "a", text: "" },
        { name: "a", text: "" },
      ]),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/"a" appears twice/) });
    expect(checkUpload([{ name: "a\nb", text: "" }])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/control characters/),
    });
    expect(checkUpload([{ name: 3, text: "" }])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/strings/),
    });
  });
});
