import { afterEach, describe, expect, it, vi } from "vitest";
import { isUuid, newUuidV4, sentenceCase } from "./format";

afterEach(() => vi.unstubAllGlobals());

describe("format", () => {
  it("makes version 4 UUIDs from getRandomValues alone, distinct each time", () => {
    // As on plain HTTP: no crypto.randomUUID.
    vi.stubGlobal("crypto", { getRandomValues: crypto.getRandomValues.bind(crypto) });
    const a = newUuidV4();
    const b = newUuidV4();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b).not.toBe(a);
    expect(isUuid(a)).toBe(true);
  });

  it("recognises ids in either case and nothing else", () => {
    expect(isUuid("0192F3A4-1B2C-7D3E-8F40-123456789ABC")).toBe(true);
    expect(isUuid("0192f3a4-1b2c-7d3e-8f40-123456789ab")).toBe(false);
    expect(isUuid(" 0192f3a4-1b2c-7d3e-8f40-123456789abc")).toBe(false);
    expect(isUuid("@list_parts")).toBe(false);
  });

  it("turns the server's words into labels", () => {
    expect(sentenceCase("under_review")).toBe("Under review");
    expect(sentenceCase("")).toBe("");
  });
});
