// One colour per status word, whatever lens answers it, so a status looks the same in a lens
// list and on the record's own page. The rule of thumb: ok when done or good, info while
// things move as planned, warn when someone has to act or look, bad when it went wrong,
// muted when it no longer matters.
import type { Tone } from "./ui";

const STATUS_TONES: Readonly<Record<string, Tone>> = {
  // shopping list: requested and under review wait for a head of department
  requested: "warn",
  under_review: "warn",
  approved: "ok",
  ordered: "info",
  partially_fulfilled: "warn",
  fulfilled: "ok",
  rejected: "bad",
  // purchase orders and deliveries: a draft delivery waits for its signature
  partially_received: "warn",
  received: "ok",
  cancelled: "muted",
  draft: "warn",
  accepted: "ok",
  // faults: an open one waits to be acknowledged; its severity has its own badge
  open: "warn",
  acknowledged: "info",
  work_ordered: "info",
  resolved: "ok",
  closed: "ok",
  // work orders
  planned: "info",
  in_progress: "info",
  on_hold: "warn",
  completed: "ok",
  // certificates
  valid: "ok",
  expiring: "warn",
  expired: "bad",
  superseded: "muted",
  // parts (stockState)
  in_stock: "ok",
  low_stock: "warn",
  out_of_stock: "bad",
  none_on_hand: "muted",
};

/** The badge tone of a status; a word the app does not know is shown neutral. */
export function statusTone(status: string): Tone {
  return STATUS_TONES[status] ?? "muted";
}

/**
 * A catalog part's stock, as one status word. "Low" is the server's rule (view_low_stock and
 * list_parts low_stock_only): min_level > 0 and on_hand ≤ min_level; a low part with nothing
 * left is out of stock. A part without a minimum is never low, even with none on hand.
 */
export type StockState = "out_of_stock" | "low_stock" | "in_stock" | "none_on_hand";

export function stockState(part: { on_hand: number; min_level: number }): StockState {
  const low = part.min_level > 0 && part.on_hand <= part.min_level;
  if (part.on_hand <= 0) return low ? "out_of_stock" : "none_on_hand";
  return low ? "low_stock" : "in_stock";
}
