// The dialog that runs one action, generated from the registry's field schema: the form
// (checked here as the server would check it), then for SIGNED actions the signature step,
// then the execute call. The server's refusals land next to the field they name, or at the
// top with the request id to quote when reporting it. A refusal that means the views are out
// of date reloads them behind the dialog.
import { useEffect, useId, useRef, useState } from "react";
import type { FormEvent, KeyboardEvent } from "react";
import { ApiError } from "../api/client";
import type { ActionDef, ExecuteAnswer, FieldDef, Signature } from "../api/types";
import { isUuid, newUuidV4 } from "../app/format";
import { shortId } from "../app/members";
import { useSession } from "../app/session";
import { words } from "../app/ui";
import { FieldInput } from "./FieldInput";
import { SignatureStep } from "./SignatureStep";
import { isSignatureError } from "./signatureErrors";
import { initialValues, toPayload, validateForm } from "./validate";
import type { FieldErrors, FormValue, FormValues } from "./validate";
import "./actions.css";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * The field the dialog fills itself (receive_part, consume_part): one fresh key per opening
 * of the dialog, kept across its retries, so a retry after a lost answer is not booked twice.
 */
const IDEMPOTENCY_KEY = "idempotency_key";

/** Refusals meaning the record changed under the view (gone, moved on, already there). */
const STALE_VIEW_CODES = new Set(["not_found", "invalid_state_transition", "duplicate"]);

/** A prefilled id names the record the action is about: shown, not edited. */
function lockedFields(fields: FieldDef[], prefill: Record<string, unknown> = {}): Set<string> {
  return new Set(
    fields
      .filter((f) => f.type === "uuid" && typeof prefill[f.name] === "string" && isUuid(prefill[f.name] as string))
      .map((f) => f.name),
  );
}

/** The form's first values, with this opening's idempotency key when the action takes one. */
function startValues(fields: FieldDef[], prefill: Record<string, unknown> = {}): FormValues {
  const values = initialValues(fields, prefill);
  if (fields.some((f) => f.name === IDEMPOTENCY_KEY)) values[IDEMPOTENCY_KEY] = newUuidV4();
  return values;
}

/** The form field a server refusal is about: "lines[0].part_id" is about "lines". */
function baseField(name: string): string {
  return name.split(/[[.]/)[0];
}

/** One value of the summary, as a person reads it. */
function shown(field: FieldDef, value: unknown) {
  if (field.type === "uuid" && typeof value === "string") return <code title={value}>{shortId(value)}</code>;
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

/** What the dialog says when a retry finds its first attempt already booked. */
function AlreadyRecorded({ onClose }: { onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  return (
    <>
      <p role="status" className="action-done">
        Already recorded: an earlier attempt reached the server, so nothing was recorded twice.
      </p>
      <div className="action-buttons">
        <button ref={closeRef} type="button" className="button primary" onClick={onClose}>
          Close
        </button>
      </div>
    </>
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
  const { api, yachtId, refresh } = useSession();
  const [locked] = useState(() => lockedFields(action.fields, prefill));
  const [values, setValues] = useState<FormValues>(() => startValues(action.fields, prefill));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [topError, setTopError] = useState<unknown>(null);
  const [step, setStep] = useState<"form" | "sign" | "already_recorded">("form");
  const [busy, setBusy] = useState(false);
  /** The element id to focus once the form step shows it (after its error has rendered). */
  const [focusTarget, setFocusTarget] = useState<string | null>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  /** The values (without the key) of the last attempt sent: see payloadForAttempt. */
  const lastIntent = useRef<string | null>(null);
  const id = useId();
  const titleId = `${id}-title`;
  const inputId = (name: string) => `${id}-field-${name}`;
  const signed = action.variant === "SIGNED";
  const keyed = action.fields.some((f) => f.name === IDEMPOTENCY_KEY);
  const editable = action.fields.filter((f) => !locked.has(f.name) && f.name !== IDEMPOTENCY_KEY);
  const isEditable = (name: string) => editable.some((f) => f.name === name);

  // Focus moves into the dialog on open and back to whatever opened it on close.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = dialogRef.current?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? dialogRef.current)?.focus();
    return () => opener?.focus();
  }, []);

  // Put the cursor on the field in trouble (or back on the form) once React has committed the
  // error, so a screen reader reads the field with its aria-invalid and its message.
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
    const field = error instanceof ApiError && error.field ? baseField(error.field) : undefined;
    if (field && isEditable(field)) {
      setErrors({ [field]: (error as ApiError).message });
      setStep("form");
      setFocusTarget(inputId(field));
    } else {
      setTopError(error);
    }
  }

  /**
   * The payload for this attempt. The idempotency key stays only while the values do: a retry
   * of the same values after a lost answer must not book twice, but changed values are a new
   * intent, and must not be taken for the earlier attempt ("already recorded").
   */
  function payloadForAttempt(): Record<string, unknown> {
    const payload = toPayload(action.fields, values);
    if (!keyed) return payload;
    const { [IDEMPOTENCY_KEY]: _key, ...intent } = payload;
    const text = JSON.stringify(intent);
    if (lastIntent.current !== null && lastIntent.current !== text) {
      const key = newUuidV4();
      payload[IDEMPOTENCY_KEY] = key;
      setValues((v) => ({ ...v, [IDEMPOTENCY_KEY]: key }));
    }
    lastIntent.current = text;
    return payload;
  }

  async function send(signature?: Signature) {
    setBusy(true);
    setTopError(null);
    try {
      const answer = await api.execute(yachtId, action.action_id, payloadForAttempt(), {
        entityId,
        signature,
      });
      onDone(answer);
    } catch (error) {
      if (signature && isSignatureError(error)) throw error; // the signature step says why
      const code = error instanceof ApiError ? error.errorCode : "";
      if (STALE_VIEW_CODES.has(code)) refresh();
      // This dialog's key is already booked: an earlier attempt, whose answer was lost, did it.
      if (code === "duplicate" && keyed) setStep("already_recorded");
      else showServerError(error);
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
      if (isEditable(firstBad.name)) setFocusTarget(inputId(firstBad.name));
      else setTopError(new Error(found[firstBad.name]));
      return;
    }
    setTopError(null);
    if (signed) setStep("sign");
    else void send();
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === "Escape") {
      e.preventDefault();
      if (!busy) onClose(); // a request in flight finishes first
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
    step === "sign" ? payload[f.name] !== undefined && f.name !== IDEMPOTENCY_KEY : locked.has(f.name),
  );
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
        {step === "form" && (
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
              <button type="button" className="button" onClick={onClose} disabled={busy}>
                Cancel
              </button>
              <button id={submitId} type="submit" className="button primary" disabled={busy} aria-busy={busy}>
                {busy ? "Sending…" : signed ? "Continue to signature" : action.label}
              </button>
            </div>
          </form>
        )}
        {step === "sign" && <SignatureStep action={action} onSign={send} onBack={backToForm} onCancel={onClose} />}
        {step === "already_recorded" && <AlreadyRecorded onClose={onClose} />}
      </div>
    </div>
  );
}
