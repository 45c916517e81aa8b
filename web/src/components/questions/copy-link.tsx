// The address of what is on screen, with a button that copies it (or selects it where the clipboard is closed).

import { useRef, useState } from "react";

export function CopyLink({ url, label = "Link to this answer" }: { url: string; label?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [said, setSaid] = useState("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setSaid("Copied.");
    } catch {
      input.current?.select();
      setSaid("Selected: press Ctrl+C to copy.");
    }
  };
  return (
    <div className="q-link">
      <label className="visually-hidden" htmlFor="copy-link-url">
        {label}
      </label>
      <input id="copy-link-url" ref={input} readOnly value={url} onFocus={(e) => e.target.select()} />
      <button type="button" onClick={() => void copy()}>
        Copy link
      </button>
      <span role="status" className="muted">
        {said}
      </span>
    </div>
  );
}
