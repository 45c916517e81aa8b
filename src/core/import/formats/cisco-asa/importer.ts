// The cisco-asa importer (being written in this session).

import type { Importer } from "../../model.js";

export const ciscoAsaImporter: Importer = {
  id: "cisco-asa",
  description: "cisco-asa",
  import() {
    throw new Error("The cisco-asa importer is not written yet");
  },
};
