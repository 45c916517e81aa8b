// The API tokens page (a placeholder until its helper builds it).

import { PlaceholderPage } from "../components/placeholder-page.js";

export default function AdminTokens() {
  return <PlaceholderPage title="API tokens" about="Scoped tokens for programs." />;
}
