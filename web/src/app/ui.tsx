// Small pieces every view uses: loading and error states, badges, dates.
import type { ReactNode } from "react";
import { ApiError } from "../api/client";
import type { Loaded } from "./useLoad";

export function ErrorNote({ error }: { error: unknown }) {
  const message =
    error instanceof ApiError
      ? `${error.message} (${error.errorCode})`
      : error instanceof Error
        ? error.message
        : "Something went wrong.";
  return (
    <p role="alert" className="error-note">
      {message}
    </p>
  );
}

/** Renders a load's states: a spinner, its error, or the children with the data. */
export function Loading<T>({ load, children }: { load: Loaded<T>; children: (data: T) => ReactNode }) {
  if (load.error) return <ErrorNote error={load.error} />;
  if (load.data === undefined) return <p className="loading">Loading…</p>;
  return <>{children(load.data)}</>;
}

export type Tone = "ok" | "warn" | "bad" | "info" | "muted";

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** "2026-12-06" from an RFC 3339 time or date; "" for nothing. */
export function day(value: unknown): string {
  return typeof value === "string" ? value.slice(0, 10) : "";
}

/** "2026-12-06 10:55" from an RFC 3339 time. */
export function when(value: unknown): string {
  return typeof value === "string" ? value.replace("T", " ").slice(0, 16) : "";
}

/** "under_review" → "under review". */
export function words(value: unknown): string {
  return typeof value === "string" ? value.replace(/_/g, " ") : "";
}
