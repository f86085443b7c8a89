// What to tell the person at the tablet when the server refuses a signature (CONTRACT §2,
// step 8): the server's codes become sentences naming the signer, so the crew knows whether
// to fetch someone else, retype the PIN, or wait out a lock.
import { ApiError } from "../api/client";
import { words } from "../app/ui";

const SIGNATURE_CODES = new Set(["signature_required", "invalid_signature", "invalid_signer_role", "signer_locked"]);

export interface Signer {
  name: string;
  role: string;
}

/** True for the refusals the signature step answers itself (the form stays as typed). */
export function isSignatureError(error: unknown): error is ApiError {
  return error instanceof ApiError && SIGNATURE_CODES.has(error.errorCode);
}

function minutes(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return "a few minutes";
  const n = Math.ceil(seconds / 60);
  return n === 1 ? "1 minute" : `${n} minutes`;
}

export function signatureErrorMessage(error: ApiError, signer: Signer, signerRoles: string[]): string {
  switch (error.errorCode) {
    case "invalid_signer_role": {
      const detailRole = error.details.signer_role;
      const role = typeof detailRole === "string" ? detailRole : signer.role;
      return `${signer.name} (${words(role)}) cannot sign this action. It needs: ${signerRoles.map(words).join(", ")}.`;
    }
    case "invalid_signature": {
      // "wrong PIN" (details.field "pin"); other answers are about the signature's shape or a
      // stale signed_at, which the server's own words explain better.
      const wrongPin = /wrong pin/i.test(error.message) && (error.field === undefined || error.field === "pin");
      return wrongPin ? `Wrong PIN for ${signer.name}. Check it and try again.` : error.message;
    }
    case "signer_locked":
      return `${signer.name} is locked after too many wrong PINs. Try again in ${minutes(error.retryAfter)}.`;
    default:
      return error.message;
  }
}
