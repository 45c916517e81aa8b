// The iptables corpus: every iptables-save / ip6tables-save dump and ufw rule file imports without a crash and
// says what it did not understand.

import { describeCorpus } from "./harness.js";

describeCorpus({
  name: "iptables",
  folders: [{ folder: "iptables", format: "iptables" }],
});
