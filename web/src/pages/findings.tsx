// The Findings page (a placeholder until its helper builds it).

import { PlaceholderPage } from "../components/placeholder-page.js";

export default function Findings() {
  return <PlaceholderPage title="Findings" about="Anomalies, standards violations and broken flows." />;
}
