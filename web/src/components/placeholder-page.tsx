// What a page not built yet shows: its header and a note, so navigation can be tried end to end.

import { PageHeader } from "./page-header.js";
import { Empty } from "./states.js";

export function PlaceholderPage({ title, about }: { title: string; about: string }) {
  return (
    <>
      <PageHeader title={title} subtitle={about} />
      <Empty>This page is being built.</Empty>
    </>
  );
}
