// A labelled text input, as every form of the console writes one: the label bound to the input by its id.

import type { InputHTMLAttributes, ReactNode } from "react";

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onChange" | "children">;

export function TextField({
  id,
  label,
  value,
  onValue,
  children,
  ...input
}: InputProps & {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  /** Shown after the input (a datalist for it, a hint). */
  children?: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => onValue(e.target.value)} {...input} />
      {children}
    </div>
  );
}
