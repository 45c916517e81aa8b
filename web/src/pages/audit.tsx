// The Audit log page (a placeholder until its helper builds it).

import { PlaceholderPage } from "../components/placeholder-page.js";

export default function AuditLog() {
  return <PlaceholderPage title="Audit log" about="Every write, sign-in and export, hash-chained." />;
}
