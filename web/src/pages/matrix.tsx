// The Zone matrix page (a placeholder until its helper builds it).

import { PlaceholderPage } from "../components/placeholder-page.js";

export default function Matrix() {
  return (
    <PlaceholderPage
      title="Zone matrix"
      about="Zone × zone: how much is open between zones and how risky it is."
    />
  );
}
