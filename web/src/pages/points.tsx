// The Enforcement points page (a placeholder until its helper builds it).

import { PlaceholderPage } from "../components/placeholder-page.js";

export default function EnforcementPoints() {
  return (
    <PlaceholderPage
      title="Enforcement points"
      about="Compiled configurations, plans against what is deployed, proofs."
    />
  );
}
