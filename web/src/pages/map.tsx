// The Map page (a placeholder until its helper builds it).

import { PlaceholderPage } from "../components/placeholder-page.js";

export default function Map() {
  return <PlaceholderPage title="Map" about="Zones, applications, assets and the flows between them." />;
}
