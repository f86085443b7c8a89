import { describe, expect, it } from "vitest";
import { statusTone, stockState } from "./status";

describe("status", () => {
  it("gives a status one tone wherever it shows, and unknown words a neutral one", () => {
    expect(statusTone("rejected")).toBe("bad");
    expect(statusTone("expired")).toBe("bad");
    expect(statusTone("requested")).toBe("warn");
    expect(statusTone("completed")).toBe("ok");
    expect(statusTone("in_progress")).toBe("info");
    expect(statusTone("something_new")).toBe("muted");
  });

  it("calls a part low as the server does: a minimum set and on hand at or under it", () => {
    expect(stockState({ on_hand: 2, min_level: 2 })).toBe("low_stock");
    expect(stockState({ on_hand: 3, min_level: 2 })).toBe("in_stock");
    expect(stockState({ on_hand: 0, min_level: 2 })).toBe("out_of_stock");
    expect(stockState({ on_hand: 0, min_level: 0 })).toBe("none_on_hand");
    expect(stockState({ on_hand: 5, min_level: 0 })).toBe("in_stock");
  });
});
