// How the lens views colour levels and fill prefills: one tone per urgency, priority, severity
// and criticality, so "critical" looks the same in every lens. Status tones live in
// app/status.ts, shared with the record pages.
import type { Tone } from "../app/ui";

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

/** Today in UTC as "YYYY-MM-DD", the day the server compares due dates with. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The entries of an object whose value is neither null nor undefined (for action prefills). */
export function present(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
}
