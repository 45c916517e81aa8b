// The three states every page shows besides its content: loading, nothing to show, and an error.

import type { ReactNode } from "react";
import type { ApiError } from "../api/client.js";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

export function ErrorBox({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <strong>{error.message || "Something went wrong"}</strong>
      <span className="muted">
        {" "}
        ({error.code}
        {error.status ? `, ${error.status}` : ""})
      </span>
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
