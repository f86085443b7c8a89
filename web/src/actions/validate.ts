// Client-side checks of an action's form, mirroring the server's own field validation
// (src/actions/fields.cc) so a crew member hears about a mistake before the round trip, and
// the conversion of what the form holds (text, checkboxes) into the JSON payload the server
// reads. The server stays the authority: whatever slips through is answered by it.
import type { FieldDef } from "../api/types";
import { isUuid } from "../app/format";

/** What one control holds: text for every input, true/false for a checkbox. */
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;
export type FieldErrors = Record<string, string>;

/** fields.cc: kDefaultStringLimit, kDefaultTextLimit, kArrayLimit. */
const DEFAULT_STRING_BYTES = 200;
const DEFAULT_TEXT_BYTES = 10000;
const MAX_ARRAY_ITEMS = 500;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
/** What <input type="datetime-local"> holds: a wall-clock time without an offset. */
const LOCAL_DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;
/** A decimal number as people type it (no hex, no "Infinity", no blanks inside). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** "YYYY-MM-DD" naming a day that exists (clock.cc IsDate). */
export function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** An RFC 3339 date-time with an offset, as clock.cc ParseRfc3339 accepts it. */
export function isRfc3339(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m || !isDate(m[1])) return false;
  const [hh, mm, ss] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (hh > 23 || mm > 59 || ss > 60) return false;
  return m[6] === undefined || (Number(m[6]) <= 23 && Number(m[7]) <= 59);
}

function isLocalDateTime(text: string): boolean {
  const m = LOCAL_DATETIME.exec(text);
  if (!m || !isDate(m[1])) return false;
  return Number(m[2]) <= 23 && Number(m[3]) <= 59 && Number(m[4] ?? 0) <= 59;
}

/** A datetime-local value (read in the browser's time zone) or RFC 3339 text, as RFC 3339 UTC. */
export function toRfc3339(text: string): string {
  return isRfc3339(text) ? text : new Date(text).toISOString();
}

/** An RFC 3339 time as a datetime-local value in the browser's time zone. */
function toLocalDateTime(text: string): string {
  const d = new Date(text);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function isBlank(value: FormValue | undefined): boolean {
  return typeof value !== "string" || value.trim() === "";
}

function rangeError(field: FieldDef, n: number): string | undefined {
  if (field.min !== undefined) {
    if (field.min_exclusive && n <= field.min) return `${field.label} must be more than ${field.min}.`;
    if (!field.min_exclusive && n < field.min) return `${field.label} must be at least ${field.min}.`;
  }
  if (field.max !== undefined && n > field.max) return `${field.label} must be at most ${field.max}.`;
  return undefined;
}

function stringError(field: FieldDef, text: string): string | undefined {
  const limit = field.max_length ?? (field.type === "text" ? DEFAULT_TEXT_BYTES : DEFAULT_STRING_BYTES);
  const bytes = byteLength(text);
  if (bytes > limit) return `${field.label} is too long: ${bytes} bytes, at most ${limit}.`;
  if (text.includes("\u0000")) return `${field.label} must not contain a NUL character.`;
  return undefined;
}

function arrayError(field: FieldDef, text: string): string | undefined {
  const parsed = parseJson(text);
  if (!parsed.ok || !Array.isArray(parsed.value)) {
    return `${field.label} must be a JSON list, like [ ... ] (check brackets, quotes and commas).`;
  }
  if (parsed.value.length > MAX_ARRAY_ITEMS) return `${field.label} must have at most ${MAX_ARRAY_ITEMS} items.`;
  if (field.required && parsed.value.length === 0) return `${field.label} needs at least one item.`;
  return undefined;
}

/** Why this value would be refused for this field, or undefined when it is fine. */
export function fieldError(field: FieldDef, value: FormValue | undefined): string | undefined {
  if (field.type === "boolean") return undefined; // a checkbox is always true or false
  if (isBlank(value)) return field.required ? `${field.label} is required.` : undefined;
  const text = value as string;
  const trimmed = text.trim();
  switch (field.type) {
    case "string":
    case "text":
      return stringError(field, text);
    case "integer": {
      const n = parseDecimal(trimmed);
      if (n === undefined || !Number.isSafeInteger(n)) return `${field.label} must be a whole number.`;
      return rangeError(field, n);
    }
    case "number": {
      const n = parseDecimal(trimmed);
      if (n === undefined) return `${field.label} must be a number.`;
      return rangeError(field, n);
    }
    case "date":
      return isDate(trimmed) ? undefined : `${field.label} must be a real date (YYYY-MM-DD).`;
    case "datetime":
      return isRfc3339(trimmed) || isLocalDateTime(trimmed)
        ? undefined
        : `${field.label} must be a date and time.`;
    case "uuid":
      return isUuid(trimmed) ? undefined : `${field.label} must be an id like 3f2a9c1e-0b6d-4e8a-9c1f-2d3e4f5a6b7c.`;
    case "enum":
      return field.enum?.includes(trimmed) ? undefined : `${field.label} must be one of: ${(field.enum ?? []).join(", ")}.`;
    case "array":
      return arrayError(field, trimmed);
  }
}

/** Every field's problem, by field name; empty when the form may be sent. */
export function validateForm(fields: FieldDef[], values: FormValues): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of fields) {
    const message = fieldError(field, values[field.name]);
    if (message) errors[field.name] = message;
  }
  return errors;
}

/**
 * The payload for a valid form: numbers as numbers, lists parsed, times in RFC 3339 UTC,
 * and optional fields left empty (or an optional checkbox left unticked) not sent at all.
 */
export function toPayload(fields: FieldDef[], values: FormValues): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.type === "boolean") {
      if (value === true || field.required) payload[field.name] = value === true;
      continue;
    }
    if (isBlank(value)) continue;
    const text = value as string;
    const trimmed = text.trim();
    switch (field.type) {
      case "string":
      case "text":
        payload[field.name] = text;
        break;
      case "integer":
      case "number":
        payload[field.name] = Number(trimmed);
        break;
      case "datetime":
        payload[field.name] = toRfc3339(trimmed);
        break;
      case "array":
        payload[field.name] = JSON.parse(trimmed);
        break;
      default:
        payload[field.name] = trimmed;
    }
  }
  return payload;
}

/** An "@list_parts"-like stand-in the ops tools fill in: not a value a person can send. */
const STAND_IN = /"@[^"]*"/;

/**
 * What each control starts with: the prefilled value, else empty. A required list starts from
 * the registry's example, unless the example holds stand-ins (then it is only a placeholder).
 */
export function initialValues(fields: FieldDef[], prefill: Record<string, unknown> = {}): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const given = prefill[field.name];
    if (field.type === "boolean") values[field.name] = given === true;
    else if (field.type === "array") {
      const example = field.required && field.example && !STAND_IN.test(field.example) ? field.example : "";
      values[field.name] = given !== undefined ? JSON.stringify(given) : example;
    } else if (field.type === "datetime" && typeof given === "string" && isRfc3339(given)) {
      values[field.name] = toLocalDateTime(given);
    } else if (typeof given === "string" || typeof given === "number") values[field.name] = String(given);
    else values[field.name] = "";
  }
  return values;
}
