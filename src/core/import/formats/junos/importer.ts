// The junos importer (being written in this session).

import type { Importer } from "../../model.js";

export const junosImporter: Importer = {
  id: "junos",
  description: "junos",
  import() {
    throw new Error("The junos importer is not written yet");
  },
};
