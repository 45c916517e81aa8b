// The k8s importer (being written in this session).

import type { Importer } from "../../model.js";

export const k8sImporter: Importer = {
  id: "k8s",
  description: "k8s",
  import() {
    throw new Error("The k8s importer is not written yet");
  },
};
