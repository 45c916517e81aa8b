// Checking configuration files uploaded for verification or analysis before any importer reads them.

import type { ConfigFile } from "../../core/import/model.js";

/** Beyond these a request is refused as a whole: the server also caps the body, this names the reason. */
export const UPLOAD_LIMITS = { files: 20, bytes: 10 * 1024 * 1024, nameLength: 200 } as const;

export type UploadCheck = { ok: true; files: ConfigFile[] } | { ok: false; message: string };

const encoder = new TextEncoder();

/**
 * The files as importers take them, or the first reason they cannot be read: none, too many, too large,
 * a name that is empty, too long, has control characters or appears twice.
 */
export function checkUpload(files: readonly { name: unknown; text: unknown }[]): UploadCheck {
  if (files.length === 0) return { ok: false, message: "Cannot read the upload: it holds no file" };
  if (files.length > UPLOAD_LIMITS.files)
    return {
      ok: false,
      message: `Cannot read the upload: ${files.length} files, at most ${UPLOAD_LIMITS.files} are accepted`,
    };
  const seen = new Set<string>();
  let bytes = 0;
  const out: ConfigFile[] = [];
  for (const [i, f] of files.entries()) {
    if (typeof f.name !== "string" || typeof f.text !== "string")
      return { ok: false, message: `Cannot read file ${i + 1} of the upload: name and text must be strings` };
    const problem = nameProblem(f.name);
    if (problem) return { ok: false, message: problem };
    if (seen.has(f.name))
      return { ok: false, message: `Cannot read the upload: file "${f.name}" appears twice` };
    seen.add(f.name);
    // A character is at least one byte: counting bytes is needed only when the characters alone fit.
    bytes += f.text.length > UPLOAD_LIMITS.bytes ? f.text.length : encoder.encode(f.text).length;
    if (bytes > UPLOAD_LIMITS.bytes)
      return {
        ok: false,
        message: `Cannot read the upload: more than ${UPLOAD_LIMITS.bytes / (1024 * 1024)} MB in all`,
      };
    out.push({ name: f.name, text: f.text });
  }
  return { ok: true, files: out };
}

function nameProblem(name: string): string | undefined {
  if (name.trim() === "") return "Cannot read the upload: a file has an empty name";
  if (name.length > UPLOAD_LIMITS.nameLength)
    return `Cannot read the upload: file name "${name.slice(0, 40)}…" is longer than ${UPLOAD_LIMITS.nameLength} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    return `Cannot read the upload: file name ${JSON.stringify(name)} has control characters`;
  return undefined;
}
