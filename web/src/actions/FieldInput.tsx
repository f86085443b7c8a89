// One labelled control for one registry field, chosen by the field's declared type, with
// its error right under it. The label is the registry's own, so the accessible name of
// every input is exactly the field's label (the required mark is for the eye only).
import type { ReactNode } from "react";
import type { FieldDef } from "../api/types";
import { EntityPicker, entitySource } from "./EntityPicker";
import type { FormValue } from "./validate";
import "./actions.css";

interface ControlProps {
  id: string;
  field: FieldDef;
  value: FormValue;
  onChange: (value: FormValue) => void;
  describedBy?: string;
  invalid: boolean;
}

function Control({ id, field, value, onChange, describedBy, invalid }: ControlProps): ReactNode {
  const text = typeof value === "string" ? value : "";
  const common = {
    id,
    name: field.name,
    "aria-required": field.required,
    "aria-invalid": invalid,
    "aria-describedby": describedBy,
  };
  switch (field.type) {
    case "enum":
      return (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.required ? "Choose…" : "—"}</option>
          {(field.enum ?? []).map((v) => (
            <option key={v} value={v}>
              {v.replace(/_/g, " ")}
            </option>
          ))}
        </select>
      );
    case "date":
      return <input {...common} type="date" value={text} onChange={(e) => onChange(e.target.value)} />;
    case "datetime":
      return <input {...common} type="datetime-local" value={text} onChange={(e) => onChange(e.target.value)} />;
    case "integer":
    case "number":
      return (
        <input
          {...common}
          type="number"
          inputMode={field.type === "integer" ? "numeric" : "decimal"}
          min={field.min}
          max={field.max}
          step={field.type === "integer" ? 1 : "any"}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case "boolean":
      return <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case "text":
      return <textarea {...common} rows={3} value={text} onChange={(e) => onChange(e.target.value)} />;
    case "array":
      return (
        <textarea
          {...common}
          className="action-json"
          rows={4}
          spellCheck={false}
          placeholder={field.example}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case "uuid": {
      const source = entitySource(field.references);
      if (source) {
        return (
          <EntityPicker
            inputId={id}
            field={field}
            source={source}
            value={text}
            onChange={onChange}
            describedBy={describedBy}
            invalid={invalid}
          />
        );
      }
      return (
        <input
          {...common}
          type="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="00000000-0000-0000-0000-000000000000"
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    }
    case "string":
      return <input {...common} type="text" value={text} onChange={(e) => onChange(e.target.value)} />;
  }
}

export function FieldInput({
  id,
  field,
  value,
  error,
  onChange,
}: {
  /** The control's id; the error text is `${id}-error`. */
  id: string;
  field: FieldDef;
  value: FormValue;
  error?: string;
  onChange: (value: FormValue) => void;
}) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const hint = field.type === "array" ? "A JSON list." : undefined;
  const describedBy = [hint && hintId, error && errorId].filter(Boolean).join(" ") || undefined;
  const checkbox = field.type === "boolean";
  return (
    <div className={`action-field${checkbox ? " action-field-checkbox" : ""}${error ? " has-error" : ""}`}>
      {checkbox && (
        <Control id={id} field={field} value={value} onChange={onChange} describedBy={describedBy} invalid={!!error} />
      )}
      <label htmlFor={id}>
        {field.label}
        {field.required && (
          <span className="action-required" aria-hidden="true">
            {" "}
            *
          </span>
        )}
      </label>
      {hint && (
        <p id={hintId} className="action-hint muted">
          {hint}
        </p>
      )}
      {!checkbox && (
        <Control id={id} field={field} value={value} onChange={onChange} describedBy={describedBy} invalid={!!error} />
      )}
      {error && (
        <p id={errorId} className="action-field-error">
          {error}
        </p>
      )}
    </div>
  );
}
