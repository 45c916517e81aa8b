// The cisco-nxos importer: NX-OS configurations (IPv4 and IPv6 ACLs with sequence numbers, `ip address` and
// `ip port` object-groups, router and port ACL bindings) read with the IOS pipeline in the NX-OS dialect.
// The rules are in docs/formats/cisco-nxos.md.

import type { ConfigFile, ImportContext, Importer, ImportResult } from "../../model.js";
import { importCisco } from "../cisco-ios/importer.js";
import { NXOS_SYNTAX } from "./syntax.js";

export const ciscoNxosImporter: Importer = {
  id: "cisco-nxos",
  description: "Cisco NX-OS configuration: IPv4 and IPv6 ACLs with object-groups, bound to interfaces",
  import: (files: readonly ConfigFile[], context: ImportContext): ImportResult =>
    importCisco(files, context, NXOS_SYNTAX),
};
