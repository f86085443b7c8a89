// The sentences the signature step shows for the server's signature refusals.
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { isSignatureError, signatureErrorMessage } from "./signatureErrors";

const chris = { name: "Chris Chief", role: "chief_engineer" };
const roles = ["chief_engineer", "captain", "manager"];

describe("signatureErrorMessage", () => {
  it("rounds a lock's Retry-After up to whole minutes", () => {
    const locked = (s?: number) =>
      new ApiError(429, "signer_locked", "too many wrong PINs; this signer is locked for a while", {}, "r", s);
    expect(signatureErrorMessage(locked(61), chris, roles)).toBe(
      "Chris Chief is locked after too many wrong PINs. Try again in 2 minutes.",
    );
    expect(signatureErrorMessage(locked(30), chris, roles)).toMatch(/Try again in 1 minute\.$/);
    expect(signatureErrorMessage(locked(undefined), chris, roles)).toMatch(/Try again in a few minutes\.$/);
  });

  it("uses the signer's own role when the server does not name one", () => {
    const notMember = new ApiError(403, "invalid_signer_role", "the signer is not a member of this yacht");
    expect(signatureErrorMessage(notMember, { name: "Dana Deck", role: "crew" }, roles)).toBe(
      "Dana Deck (crew) cannot sign this action. It needs: chief engineer, captain, manager.",
    );
  });

  it("keeps the server's words for a malformed PIN", () => {
    const shape = new ApiError(400, "invalid_signature", "pin must be 4 to 8 digits", { field: "pin" });
    expect(signatureErrorMessage(shape, chris, roles)).toBe("pin must be 4 to 8 digits");
  });
});

describe("isSignatureError", () => {
  it("is true for the signature codes only", () => {
    expect(isSignatureError(new ApiError(400, "invalid_signature", "wrong PIN"))).toBe(true);
    expect(isSignatureError(new ApiError(400, "invalid_field", "bad"))).toBe(false);
    expect(isSignatureError(new Error("wrong PIN"))).toBe(false);
  });
});
