// The nftables importer (being written in this session).

import type { Importer } from "../../model.js";

export const nftablesImporter: Importer = {
  id: "nftables",
  description: "nftables",
  import() {
    throw new Error("The nftables importer is not written yet");
  },
};
