// The Query page (a placeholder until its helper builds it).

import { PlaceholderPage } from "../components/placeholder-page.js";

export default function Query() {
  return <PlaceholderPage title="Query" about="Reachability and explain questions with exact answers." />;
}
