// The dialog that runs one action, generated from the registry's field schema: the form
// (checked here as the server would check it), then for SIGNED actions the signature step,
// then the execute call. The server's refusals land next to the field they name, or at the
// top with the request id to quote when reporting it.
import { useEffect, useId, useRef, useState } from "react";
import type { FormEvent, KeyboardEvent } from "react";
import { ApiError } from "../api/client";
import type { ActionDef, ExecuteAnswer, FieldDef, Signature } from "../api/types";
import { useSession } from "../app/session";
import { words } from "../app/ui";
import { FieldInput } from "./FieldInput";
import { SignatureStep } from "./SignatureStep";
import { isSignatureError } from "./signatureErrors";
import { initialValues, isUuid, toPayload, validateForm } from "./validate";
import type { FieldErrors, FormValue, FormValues } from "./validate";
import "./actions.css";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** A prefilled id names the record the action is about: shown, not edited. */
function lockedFields(fields: FieldDef[], prefill: Record<string, unknown> = {}): Set<string> {
  return new Set(
    fields
      .filter((f) => f.type === "uuid" && typeof prefill[f.name] === "string" && isUuid(prefill[f.name] as string))
      .map((f) => f.name),
  );
}

/** One value of the summary, as a person reads it. */
function shown(field: FieldDef, value: unknown) {
  if (field.type === "uuid" && typeof value === "string") return <code title={value}>{value.slice(0, 8)}</code>;
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.length === 1 ? "1 item" : `${value.length} items`;
  if (field.type === "enum") return words(value);
  return String(value);
}

function TopError({ error }: { error: unknown }) {
  const api = error instanceof ApiError ? error : null;
  return (
    <div role="alert" className="action-error">
      <p>{error instanceof Error ? error.message : "Something went wrong."}</p>
      {api?.requestId && <small className="muted">Request id {api.requestId}</small>}
    </div>
  );
}

export function ActionModal({
  action,
  prefill,
  entityId,
  onClose,
  onDone,
}: {
  action: ActionDef;
  prefill?: Record<string, unknown>;
  entityId?: string;
  onClose: () => void;
  onDone: (answer: ExecuteAnswer) => void;
}) {
  const { api, yachtId } = useSession();
  const [locked] = useState(() => lockedFields(action.fields, prefill));
  const [values, setValues] = useState<FormValues>(() => initialValues(action.fields, prefill));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [topError, setTopError] = useState<unknown>(null);
  const [step, setStep] = useState<"form" | "sign">("form");
  const [busy, setBusy] = useState(false);
  /** The element id to focus once the form step is showing again. */
  const [focusTarget, setFocusTarget] = useState<string | null>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  const id = useId();
  const titleId = `${id}-title`;
  const inputId = (name: string) => `${id}-field-${name}`;
  const signed = action.variant === "SIGNED";

  // Focus moves into the dialog on open and back to whatever opened it on close.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = dialogRef.current?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? dialogRef.current)?.focus();
    return () => opener?.focus();
  }, []);

  // Back on the form (a refusal naming a field, or "Back to form"), put the cursor there.
  useEffect(() => {
    if (focusTarget && step === "form") {
      document.getElementById(focusTarget)?.focus();
      setFocusTarget(null);
    }
  }, [focusTarget, step]);

  function change(name: string, value: FormValue) {
    setValues((v) => ({ ...v, [name]: value }));
    if (errors[name]) setErrors(({ [name]: _, ...rest }) => rest);
  }

  function showServerError(error: unknown) {
    const field = error instanceof ApiError ? error.field : undefined;
    if (error instanceof ApiError && field && !locked.has(field) && action.fields.some((f) => f.name === field)) {
      setErrors({ [field]: error.message });
      setStep("form");
      setFocusTarget(inputId(field));
    } else {
      setTopError(error);
    }
  }

  async function send(signature?: Signature) {
    setBusy(true);
    setTopError(null);
    try {
      const answer = await api.execute(yachtId, action.action_id, toPayload(action.fields, values), {
        entityId,
        signature,
      });
      onDone(answer);
    } catch (error) {
      if (signature && isSignatureError(error)) throw error; // the signature step says why
      showServerError(error);
    } finally {
      setBusy(false);
    }
  }

  function submitForm(e: FormEvent) {
    e.preventDefault();
    const found = validateForm(action.fields, values);
    setErrors(found);
    const firstBad = action.fields.find((f) => found[f.name]);
    if (firstBad) {
      if (locked.has(firstBad.name)) setTopError(new Error(found[firstBad.name]));
      else document.getElementById(inputId(firstBad.name))?.focus();
      return;
    }
    setTopError(null);
    if (signed) setStep("sign");
    else void send();
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === "Escape") {
      e.preventDefault();
      onClose();
    } else if (e.key === "Tab") {
      const focusable = Array.from(dialogRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []);
      if (focusable.length === 0) return;
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  // The form step names the record the action is about; the signature step recaps
  // everything that is about to be signed, since the form is out of sight.
  const payload: Record<string, unknown> = step === "sign" ? toPayload(action.fields, values) : values;
  const summary = action.fields.filter((f) =>
    step === "sign" ? payload[f.name] !== undefined : locked.has(f.name),
  );
  const editable = action.fields.filter((f) => !locked.has(f.name));
  const anyRequired = editable.some((f) => f.required);
  const submitId = `${id}-submit`;

  function backToForm() {
    setStep("form");
    setFocusTarget(editable.length > 0 ? inputId(editable[0].name) : submitId);
  }

  return (
    <div className="action-backdrop">
      <div
        ref={dialogRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        className="action-dialog card"
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{action.label}</h2>
        {step === "sign" && <p className="muted action-lead">You are signing:</p>}
        {summary.length > 0 && (
          <dl className="action-summary">
            {summary.map((f) => (
              <div key={f.name}>
                <dt>{f.label}</dt>
                <dd>{shown(f, payload[f.name])}</dd>
              </div>
            ))}
          </dl>
        )}
        {topError !== null && <TopError error={topError} />}
        {step === "form" ? (
          <form onSubmit={submitForm} noValidate>
            {anyRequired && (
              <p className="muted action-legend" aria-hidden="true">
                Fields marked * are required.
              </p>
            )}
            {editable.map((f) => (
              <FieldInput
                key={f.name}
                id={inputId(f.name)}
                field={f}
                value={values[f.name]}
                error={errors[f.name]}
                onChange={(v) => change(f.name, v)}
              />
            ))}
            <div className="action-buttons">
              <button type="button" className="button" onClick={onClose}>
                Cancel
              </button>
              <button id={submitId} type="submit" className="button primary" disabled={busy} aria-busy={busy}>
                {busy ? "Sending…" : signed ? "Continue to signature" : action.label}
              </button>
            </div>
          </form>
        ) : (
          <SignatureStep action={action} onSign={send} onBack={backToForm} onCancel={onClose} />
        )}
      </div>
    </div>
  );
}
