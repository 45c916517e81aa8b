// The configuration formats Rampart reads: one row each.

import type { Importer } from "../model.js";
import { awsSgImporter } from "./aws-sg/importer.js";
import { capircaImporter } from "./capirca/importer.js";
import { ciscoAsaImporter } from "./cisco-asa/importer.js";
import { ciscoIosImporter } from "./cisco-ios/importer.js";
import { ciscoNxosImporter } from "./cisco-nxos/importer.js";
import { classbenchImporter } from "./classbench/importer.js";
import { iptablesImporter } from "./iptables/importer.js";
import { junosImporter } from "./junos/importer.js";
import { k8sImporter } from "./k8s/importer.js";
import { nftablesImporter } from "./nftables/importer.js";

export const IMPORTERS: readonly Importer[] = [
  nftablesImporter,
  iptablesImporter,
  ciscoIosImporter,
  ciscoAsaImporter,
  ciscoNxosImporter,
  junosImporter,
  awsSgImporter,
  k8sImporter,
  capircaImporter,
  classbenchImporter,
];

export function findImporter(id: string): Importer | undefined {
  return IMPORTERS.find((i) => i.id === id);
}
