// Text and id helpers every view shares: one way to turn the server's enum words into a
// label, to recognise a UUID, and to make a fresh one in the browser.
import { words } from "./ui";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The 8-4-4-4-12 hex form the server accepts for ids (either case). */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** "under_review" → "Under review". */
export function sentenceCase(value: string): string {
  const text = words(value);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A random UUID (RFC 4122 version 4). Built from crypto.getRandomValues because browsers
 * offer crypto.randomUUID only in secure contexts (HTTPS or localhost), and the app is also
 * served over plain HTTP on a ship's LAN.
 */
export function newUuidV4(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10xx
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
