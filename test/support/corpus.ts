// The shared corpus of real configurations (../shared/corpus beside the checkout, or $RAMPART_CORPUS): tests
// read it in place and skip cleanly where it is absent. Its files are never copied into the project.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The corpus folder, or undefined when this machine has none. */
export function corpusDir(): string | undefined {
  const configured = process.env["RAMPART_CORPUS"];
  const dir = configured && configured !== "" ? resolve(configured) : resolve(ROOT, "../shared/corpus");
  return existsSync(join(dir, "README.md")) ? dir : undefined;
}

/** Why corpus tests are skipped, for `describe.skipIf(...)` titles. */
export const CORPUS_SKIP_REASON = "the shared corpus (../shared/corpus or $RAMPART_CORPUS) is absent";

export interface CorpusFile {
  /** Relative to the corpus folder, with forward slashes: "iptables/batfish-foo.txt". */
  readonly path: string;
  readonly absolute: string;
  readonly text: string;
}

/** Every file under `folder` of the corpus (recursively), sorted, but the SOURCES and README files. */
export function corpusFiles(folder: string, keep: (path: string) => boolean = () => true): CorpusFile[] {
  const base = corpusDir();
  if (!base) return [];
  const start = join(base, folder);
  if (!existsSync(start)) return [];
  const out: CorpusFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const absolute = join(dir, name);
      if (statSync(absolute).isDirectory()) walk(absolute);
      else {
        const path = relative(base, absolute).split("\\").join("/");
        if (/^(SOURCES|README)/i.test(name) || !keep(path)) continue;
        out.push({ path, absolute, text: readFileSync(absolute, "utf8") });
      }
    }
  };
  walk(start);
  return out;
}
