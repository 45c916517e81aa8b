// The Access requests page (a placeholder until its helper builds it).

import { PlaceholderPage } from "../components/placeholder-page.js";

export default function AccessRequests() {
  return (
    <PlaceholderPage
      title="Access requests"
      about="File a request with a live risk check; approve or reject."
    />
  );
}
