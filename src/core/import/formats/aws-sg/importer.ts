// The aws-sg importer (being written in this session).

import type { Importer } from "../../model.js";

export const awsSgImporter: Importer = {
  id: "aws-sg",
  description: "aws-sg",
  import() {
    throw new Error("The aws-sg importer is not written yet");
  },
};
