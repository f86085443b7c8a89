// The second step of a SIGNED action (CONTRACT §5): who signs (the caller, or another crew
// member on this same device), their PIN and an optional reason. Who may sign is shown from
// the registry's signer_roles, but the server decides; the crew list is the yacht's members
// (useMembersLoad): if it cannot be read, only the caller is offered, with a note saying why.
// The PIN lives only in this step's state until it is sent, and is cleared as soon as it is.
import { useEffect, useId, useRef, useState } from "react";
import type { FormEvent } from "react";
import type { ActionDef, Member, Signature } from "../api/types";
import { useMembersLoad } from "../app/members";
import { useSession } from "../app/session";
import { words } from "../app/ui";
import { isSignatureError, signatureErrorMessage } from "./signatureErrors";
import "./actions.css";

const PIN = /^\d{4,8}$/;

export function SignatureStep({
  action,
  onSign,
  onBack,
  onCancel,
}: {
  action: ActionDef;
  /** Sends the action with this signature; rejects only with a signature refusal to show here. */
  onSign: (signature: Signature) => Promise<void>;
  onBack: () => void;
  onCancel: () => void;
}) {
  const { user, membership } = useSession();
  const { people, failed: membersFailed } = useMembersLoad();
  const self: Member = { user_id: user.id, name: user.name, role: membership.role };
  const [signerId, setSignerId] = useState(user.id);
  const [pin, setPin] = useState("");
  const [reason, setReason] = useState("");
  const [pinError, setPinError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Bumped to put the cursor back in the PIN once its error or the refusal has rendered. */
  const [pinFocus, setPinFocus] = useState(0);
  const signerRef = useRef<HTMLSelectElement>(null);
  const pinRef = useRef<HTMLInputElement>(null);
  const id = useId();

  useEffect(() => {
    signerRef.current?.focus();
  }, []);

  useEffect(() => {
    if (pinFocus > 0) pinRef.current?.focus();
  }, [pinFocus]);

  const others = [...people.values()]
    .filter((m) => m.user_id.toLowerCase() !== user.id.toLowerCase())
    .sort((a, b) => a.name.localeCompare(b.name));
  const members = [self, ...others];
  const signer = members.find((m) => m.user_id === signerId) ?? self;
  const canSign = (m: Member) => action.signer_roles.includes(m.role);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setRefusal(null);
    if (!PIN.test(pin)) {
      setPinError("Enter the signer's PIN: 4 to 8 digits.");
      setPinFocus((n) => n + 1);
      return;
    }
    setPinError(null);
    const signature: Signature = { signer_id: signer.user_id, method: "pin", pin, signed_at: new Date().toISOString() };
    if (reason.trim()) signature.reason = reason.trim();
    setPin("");
    setBusy(true);
    try {
      await onSign(signature);
    } catch (err) {
      setRefusal(
        isSignatureError(err)
          ? signatureErrorMessage(err, signer, action.signer_roles)
          : err instanceof Error
            ? err.message
            : "The signature was refused.",
      );
      setPinFocus((n) => n + 1);
    } finally {
      setBusy(false);
    }
  }

  const pinErrorId = `${id}-pin-error`;
  const rolesId = `${id}-roles`;
  return (
    <form className="action-signature" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Signature</h3>
      <p id={rolesId} className="muted">
        Who may sign: {action.signer_roles.map(words).join(", ")}.
      </p>
      {refusal && (
        <p role="alert" className="action-error">
          {refusal}
        </p>
      )}
      <div className="action-field">
        <label htmlFor={`${id}-signer`}>Signer</label>
        <select
          id={`${id}-signer`}
          ref={signerRef}
          value={signer.user_id}
          aria-describedby={rolesId}
          onChange={(e) => {
            setSignerId(e.target.value);
            setRefusal(null);
          }}
        >
          {members.map((m) => (
            <option key={m.user_id} value={m.user_id}>
              {m.name}
              {m.user_id === user.id ? " (you)" : ""} — {words(m.role)}
              {canSign(m) ? " · may sign" : ""}
            </option>
          ))}
        </select>
        {membersFailed && (
          <p className="muted">The yacht's crew list could not be read, so only you are offered as signer.</p>
        )}
      </div>
      <div className={`action-field${pinError ? " has-error" : ""}`}>
        <label htmlFor={`${id}-pin`}>PIN</label>
        <input
          id={`${id}-pin`}
          ref={pinRef}
          type="password"
          inputMode="numeric"
          autoComplete="one-time-code"
          spellCheck={false}
          maxLength={8}
          aria-required="true"
          aria-invalid={!!pinError}
          aria-describedby={pinError ? pinErrorId : undefined}
          value={pin}
          onChange={(e) => setPin(e.target.value)}
        />
        {pinError && (
          <p id={pinErrorId} className="action-field-error">
            {pinError}
          </p>
        )}
      </div>
      <div className="action-field">
        <label htmlFor={`${id}-reason`}>Reason for signing (optional)</label>
        <input
          id={`${id}-reason`}
          type="text"
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <div className="action-buttons">
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="button" onClick={onBack} disabled={busy}>
          Back to form
        </button>
        <button type="submit" className="button primary" disabled={busy} aria-busy={busy}>
          {busy ? "Signing…" : "Sign and submit"}
        </button>
      </div>
    </form>
  );
}
