// The iptables importer (being written in this session).

import type { Importer } from "../../model.js";

export const iptablesImporter: Importer = {
  id: "iptables",
  description: "iptables",
  import() {
    throw new Error("The iptables importer is not written yet");
  },
};
