// The Policy versions page (a placeholder until its helper builds it).

import { PlaceholderPage } from "../components/placeholder-page.js";

export default function PolicyVersions() {
  return (
    <PlaceholderPage
      title="Policy versions"
      about="Every version, the packets each change opened and closed, restore."
    />
  );
}
