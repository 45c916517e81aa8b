// The nftables corpus: every `nft list ruleset` dump, upstream example script and `nft -j` JSON file imports
// without a crash and says what it did not understand.

import { describeCorpus } from "./harness.js";

const SETS_ONLY = "sets and no chain: nothing filters";

describeCorpus({
  name: "nftables",
  folders: [
    {
      folder: "nftables",
      format: "nftables",
      empty: {
        "nftables/netfilter-include__0001absolute_0.nft": "one empty table",
        "nftables/netfilter-sets__0014malformed_set_is_not_defined_0.nft":
          "an empty file (the empty ruleset)",
        "nftables/netfilter-nft-f__0025empty_dynset_0.nft": SETS_ONLY,
        "nftables/netfilter-sets__0043concatenated_ranges_1.nft": SETS_ONLY,
        "nftables/netfilter-sets__0044interval_overlap_1.nft": SETS_ONLY,
        "nftables/netfilter-sets__0055tcpflags_0.nft": SETS_ONLY,
        "nftables/netfilter-sets__0063set_catchall_0.nft": SETS_ONLY,
        "nftables/netfilter-sets__exact_overlap_0.nft": SETS_ONLY,
      },
    },
  ],
});
