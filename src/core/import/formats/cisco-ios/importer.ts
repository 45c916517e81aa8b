// The cisco-ios importer (being written in this session).

import type { Importer } from "../../model.js";

export const ciscoIosImporter: Importer = {
  id: "cisco-ios",
  description: "cisco-ios",
  import() {
    throw new Error("The cisco-ios importer is not written yet");
  },
};
