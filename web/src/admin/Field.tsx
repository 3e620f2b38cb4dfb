// A labelled input with its own error message next to it (read out with the field).
import type { ComponentChildren } from "preact";
import "./admin.css";

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string;
  hint?: string;
  type?: "text" | "password" | "email" | "number";
  required?: boolean;
  autoComplete?: string;
  list?: string;
  maxLength?: number;
  min?: number;
  max?: number;
  disabled?: boolean;
  inputMode?: "numeric" | "text";
  class?: string;
}

// Preact's types tie `type` and `list` together per input kind; this component picks both at run
// time (`list` only ever goes with text inputs here).
function listAttribute(list: string | undefined): Record<string, string> {
  return list ? { list } : {};
}

export function Field(props: FieldProps) {
  const hint = props.required ? `Required.${props.hint ? ` ${props.hint}` : ""}` : props.hint;
  const describedBy = [hint ? `${props.id}-hint` : "", props.error ? `${props.id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={`adm-field${props.error ? " adm-invalid" : ""}${props.class ? ` ${props.class}` : ""}`}>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={(props.type ?? "text") as "text"}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        required={props.required}
        autoComplete={props.autoComplete}
        {...listAttribute(props.list)}
        maxLength={props.maxLength}
        min={props.min}
        max={props.max}
        disabled={props.disabled}
        inputMode={props.inputMode}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy || undefined}
      />
      {hint && <span id={`${props.id}-hint`} class="adm-field-hint">{hint}</span>}
      {props.error && <span id={`${props.id}-error`} class="adm-field-error"><span aria-hidden="true">✕ </span>{props.error}</span>}
    </div>
  );
}

interface SelectProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: string;
  disabled?: boolean;
  children: ComponentChildren;
}

export function SelectField(props: SelectProps) {
  const describedBy = [props.hint ? `${props.id}-hint` : "", props.error ? `${props.id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={`adm-field${props.error ? " adm-invalid" : ""}`}>
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        disabled={props.disabled}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy || undefined}
      >
        {props.children}
      </select>
      {props.hint && <span id={`${props.id}-hint`} class="adm-field-hint">{props.hint}</span>}
      {props.error && <span id={`${props.id}-error`} class="adm-field-error"><span aria-hidden="true">✕ </span>{props.error}</span>}
    </div>
  );
}
