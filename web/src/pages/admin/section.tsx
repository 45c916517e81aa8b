// A titled section of one of the change/admin pages showing its source's loading and error states, then content.

import type { ReactNode } from "react";
import type { Loaded } from "../../api/use-api.js";
import { ErrorBox, Loading } from "../../components/states.js";

export function Section<T>(props: {
  title: string;
  source: Loaded<T> & { reload: () => void };
  children: (data: T) => ReactNode;
  actions?: ReactNode;
}) {
  const id = `section-${props.title.replace(/\W+/g, "-")}`;
  const { source } = props;
  return (
    <section className="panel wide admin-section" aria-labelledby={id}>
      <div className="admin-section-head">
        <h2 id={id}>{props.title}</h2>
        {props.actions}
      </div>
      {source.state === "loading" && <Loading />}
      {source.state === "error" && <ErrorBox error={source.error} onRetry={source.reload} />}
      {source.state === "done" && props.children(source.data)}
    </section>
  );
}

/** A date as the reader's locale writes it; "—" for none. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

/** Offers text as a file download without a server round trip (a Blob URL, revoked right after). */
export function download(name: string, text: string, type = "text/plain"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
