// How the lens views name and colour the server's enum values: one tone per status and level,
// so "critical" or "rejected" looks the same in every lens.
import type { Tone } from "../app/ui";
import { words } from "../app/ui";

/** "under_review" → "Under review". */
export function label(value: string): string {
  const text = words(value);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const LEVEL_TONES: Record<string, Tone> = {
  low: "muted",
  normal: "info",
  medium: "info",
  high: "warn",
  critical: "bad",
};

/** Urgency, priority, severity and criticality share one scale. */
export function levelTone(level: string): Tone {
  return LEVEL_TONES[level] ?? "muted";
}

const STATUS_TONES: Record<string, Tone> = {
  // shopping list
  requested: "info",
  under_review: "warn",
  approved: "ok",
  ordered: "info",
  partially_fulfilled: "warn",
  fulfilled: "ok",
  rejected: "bad",
  // purchase orders and deliveries
  partially_received: "warn",
  received: "ok",
  cancelled: "muted",
  draft: "warn",
  accepted: "ok",
  // faults
  open: "bad",
  acknowledged: "warn",
  work_ordered: "info",
  resolved: "ok",
  closed: "muted",
  // work orders
  planned: "info",
  in_progress: "info",
  on_hold: "warn",
  completed: "ok",
};

export function statusTone(status: string): Tone {
  return STATUS_TONES[status] ?? "muted";
}

/** Today in UTC as "YYYY-MM-DD", the day the server compares due dates with. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The entries of an object whose value is neither null nor undefined (for action prefills). */
export function present(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
}
