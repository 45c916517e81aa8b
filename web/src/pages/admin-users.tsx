// The Users page (a placeholder until its helper builds it).

import { PlaceholderPage } from "../components/placeholder-page.js";

export default function AdminUsers() {
  return <PlaceholderPage title="Users" about="Users, roles and second factors." />;
}
