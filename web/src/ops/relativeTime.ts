// "2 min ago" for the ops dashboard's times. The server writes RFC 3339 with up to six
// fraction digits (microseconds); JavaScript's Date reads three, so the rest is dropped.

/** Milliseconds since the epoch, or NaN for something that is not a time. */
export function parseTime(value: string): number {
  return Date.parse(value.replace(/(\.\d{3})\d+/, "$1"));
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "N min ago", "N h ago", "N d ago"; a time ahead of `now` is "just now". */
export function relativeTime(value: string, now: number = Date.now()): string {
  const t = parseTime(value);
  if (Number.isNaN(t)) return "";
  const ago = now - t;
  if (ago < MINUTE) return "just now";
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  return `${Math.floor(ago / DAY)} d ago`;
}
