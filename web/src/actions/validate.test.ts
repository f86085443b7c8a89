// Each client-side rule against the server's (src/actions/fields.cc), and the payload the
// form's text becomes.
import { describe, expect, it } from "vitest";
import type { FieldDef } from "../api/types";
import { fieldError, initialValues, isDate, isRfc3339, toPayload, validateForm } from "./validate";

const f = (over: Partial<FieldDef>): FieldDef => ({ name: "x", label: "X", type: "string", required: false, ...over });

describe("required", () => {
  it("refuses an absent or empty required value", () => {
    expect(fieldError(f({ required: true }), undefined)).toBe("X is required.");
    expect(fieldError(f({ required: true, type: "number" }), "")).toBe("X is required.");
  });
  it("refuses a required string that is blank after trimming", () => {
    expect(fieldError(f({ required: true }), "   \n")).toBe("X is required.");
  });
  it("accepts an empty optional value", () => {
    expect(fieldError(f({ type: "integer" }), "")).toBeUndefined();
  });
});

describe("string and text length in UTF-8 bytes", () => {
  it("uses the field's max_length", () => {
    expect(fieldError(f({ max_length: 5 }), "abcde")).toBeUndefined();
    expect(fieldError(f({ max_length: 5 }), "abcdef")).toBe("X is too long: 6 bytes, at most 5.");
  });
  it("counts bytes, not characters", () => {
    expect(fieldError(f({ max_length: 5 }), "ééé")).toBe("X is too long: 6 bytes, at most 5.");
  });
  it("defaults to 200 bytes for a string and 10000 for a text", () => {
    expect(fieldError(f({}), "a".repeat(200))).toBeUndefined();
    expect(fieldError(f({}), "a".repeat(201))).toMatch(/at most 200/);
    expect(fieldError(f({ type: "text" }), "a".repeat(10000))).toBeUndefined();
    expect(fieldError(f({ type: "text" }), "a".repeat(10001))).toMatch(/at most 10000/);
  });
  it("refuses a NUL character", () => {
    expect(fieldError(f({}), "a\u0000b")).toMatch(/NUL/);
  });
});

describe("integer", () => {
  const int = f({ type: "integer" });
  it("accepts whole numbers", () => {
    expect(fieldError(int, "42")).toBeUndefined();
    expect(fieldError(int, "-3")).toBeUndefined();
    expect(fieldError(int, "3.0")).toBeUndefined();
  });
  it("refuses fractions and non-numbers", () => {
    expect(fieldError(int, "2.5")).toBe("X must be a whole number.");
    expect(fieldError(int, "abc")).toBe("X must be a whole number.");
    expect(fieldError(int, "0x10")).toBe("X must be a whole number.");
  });
});

describe("number", () => {
  it("accepts decimals and refuses anything else", () => {
    expect(fieldError(f({ type: "number" }), "2.5")).toBeUndefined();
    expect(fieldError(f({ type: "number" }), "1e3")).toBeUndefined();
    expect(fieldError(f({ type: "number" }), "two")).toBe("X must be a number.");
    expect(fieldError(f({ type: "number" }), "Infinity")).toBe("X must be a number.");
  });
});

describe("min, max and min_exclusive", () => {
  it("keeps min inclusive", () => {
    expect(fieldError(f({ type: "number", min: 0 }), "0")).toBeUndefined();
    expect(fieldError(f({ type: "number", min: 0 }), "-0.5")).toBe("X must be at least 0.");
  });
  it("makes min exclusive when min_exclusive", () => {
    expect(fieldError(f({ type: "number", min: 0, min_exclusive: true }), "0")).toBe("X must be more than 0.");
    expect(fieldError(f({ type: "number", min: 0, min_exclusive: true }), "0.1")).toBeUndefined();
  });
  it("keeps max inclusive", () => {
    expect(fieldError(f({ type: "integer", max: 200 }), "200")).toBeUndefined();
    expect(fieldError(f({ type: "integer", max: 200 }), "201")).toBe("X must be at most 200.");
  });
});

describe("date", () => {
  it("accepts real days only", () => {
    expect(isDate("2026-02-28")).toBe(true);
    expect(isDate("2028-02-29")).toBe(true);
    expect(isDate("2026-02-29")).toBe(false);
    expect(isDate("2026-13-01")).toBe(false);
    expect(isDate("2026-1-01")).toBe(false);
    expect(isDate("2026-01-01T00:00:00Z")).toBe(false);
  });
  it("names the format in its message", () => {
    expect(fieldError(f({ type: "date" }), "2026-04-31")).toBe("X must be a real date (YYYY-MM-DD).");
  });
});

describe("datetime", () => {
  it("accepts RFC 3339 with an offset, as the server does", () => {
    expect(isRfc3339("2026-11-22T10:00:00Z")).toBe(true);
    expect(isRfc3339("2026-11-22t10:00:00.123456+05:30")).toBe(true);
    expect(isRfc3339("2026-11-22 10:00:00-01:00")).toBe(true);
  });
  it("refuses a time without offset, a bad hour or a bad date", () => {
    expect(isRfc3339("2026-11-22T10:00:00")).toBe(false);
    expect(isRfc3339("2026-11-22T24:00:00Z")).toBe(false);
    expect(isRfc3339("2026-02-30T10:00:00Z")).toBe(false);
    expect(isRfc3339("2026-11-22T10:00:00.Z")).toBe(false);
  });
  it("accepts what a datetime-local input holds and refuses nonsense", () => {
    expect(fieldError(f({ type: "datetime" }), "2026-11-22T10:30")).toBeUndefined();
    expect(fieldError(f({ type: "datetime" }), "yesterday")).toBe("X must be a date and time.");
  });
});

describe("uuid", () => {
  it("accepts the 8-4-4-4-12 hex form only", () => {
    expect(fieldError(f({ type: "uuid" }), "3F2A9C1E-0B6D-4E8A-9C1F-2D3E4F5A6B7C")).toBeUndefined();
    expect(fieldError(f({ type: "uuid" }), "3f2a9c1e0b6d4e8a9c1f2d3e4f5a6b7c")).toMatch(/must be an id/);
  });
});

describe("enum", () => {
  it("accepts the listed values only", () => {
    const urgency = f({ type: "enum", enum: ["low", "normal", "high"] });
    expect(fieldError(urgency, "high")).toBeUndefined();
    expect(fieldError(urgency, "urgent")).toBe("X must be one of: low, normal, high.");
  });
});

describe("boolean", () => {
  it("is always valid, required or not", () => {
    expect(fieldError(f({ type: "boolean", required: true }), false)).toBeUndefined();
  });
});

describe("array", () => {
  const list = f({ type: "array" });
  it("accepts a JSON array", () => {
    expect(fieldError(list, '[{"part_id": "a", "quantity_received": 1}]')).toBeUndefined();
  });
  it("refuses malformed JSON and JSON that is not a list", () => {
    expect(fieldError(list, "[1, 2")).toMatch(/must be a JSON list/);
    expect(fieldError(list, '{"a": 1}')).toMatch(/must be a JSON list/);
  });
  it("refuses an empty required list and more than 500 items", () => {
    expect(fieldError(f({ type: "array", required: true }), "[]")).toBe("X needs at least one item.");
    expect(fieldError(list, JSON.stringify(new Array(501).fill(1)))).toBe("X must have at most 500 items.");
  });
});

describe("validateForm", () => {
  it("gives one message per bad field, by name", () => {
    const fields = [
      f({ name: "part_name", label: "Part name", required: true }),
      f({ name: "quantity_requested", label: "Quantity", type: "number", required: true, min: 0, min_exclusive: true }),
      f({ name: "notes", label: "Notes", type: "text" }),
    ];
    expect(validateForm(fields, { part_name: "Impeller", quantity_requested: "0", notes: "" })).toEqual({
      quantity_requested: "Quantity must be more than 0.",
    });
  });
});

describe("toPayload", () => {
  const fields: FieldDef[] = [
    f({ name: "part_name", required: true }),
    f({ name: "quantity", type: "number", required: true }),
    f({ name: "interval_days", type: "integer" }),
    f({ name: "urgency", type: "enum", enum: ["low", "high"] }),
    f({ name: "notes", type: "text" }),
    f({ name: "overdue", type: "boolean" }),
    f({ name: "confirmed", type: "boolean", required: true }),
    f({ name: "item_ids", type: "array" }),
    f({ name: "last_done_at", type: "datetime" }),
  ];

  it("turns numbers into numbers, parses lists and leaves empty optional fields out", () => {
    expect(
      toPayload(fields, {
        part_name: "Impeller ",
        quantity: "2.5",
        interval_days: " ",
        urgency: "high",
        notes: "",
        overdue: false,
        confirmed: false,
        item_ids: '["a", "b"]',
        last_done_at: "2026-11-22T10:00:00Z",
      }),
    ).toEqual({
      part_name: "Impeller ",
      quantity: 2.5,
      urgency: "high",
      confirmed: false,
      item_ids: ["a", "b"],
      last_done_at: "2026-11-22T10:00:00Z",
    });
  });

  it("sends a ticked optional checkbox as true", () => {
    expect(toPayload([f({ name: "overdue", type: "boolean" })], { overdue: true })).toEqual({ overdue: true });
  });

  it("sends a datetime-local value as RFC 3339 UTC", () => {
    const sent = toPayload([f({ name: "at", type: "datetime" })], { at: "2026-11-22T10:30" }).at as string;
    expect(isRfc3339(sent)).toBe(true);
    expect(new Date(sent).getTime()).toBe(new Date(2026, 10, 22, 10, 30).getTime());
  });
});

describe("initialValues", () => {
  it("starts from the prefill, and a required list from the field's example", () => {
    const fields: FieldDef[] = [
      f({ name: "part_name" }),
      f({ name: "quantity", type: "number" }),
      f({ name: "overdue", type: "boolean" }),
      f({ name: "item_ids", type: "array", required: true, example: '["3f2a9c1e-0b6d-4e8a-9c1f-2d3e4f5a6b7c"]' }),
      f({ name: "tags", type: "array", example: "[]" }),
    ];
    expect(initialValues(fields, { part_name: "Impeller", quantity: 3, overdue: true })).toEqual({
      part_name: "Impeller",
      quantity: "3",
      overdue: true,
      item_ids: '["3f2a9c1e-0b6d-4e8a-9c1f-2d3e4f5a6b7c"]',
      tags: "",
    });
  });

  it("leaves a required list empty when its example holds an ops-tool stand-in like @list_parts", () => {
    const lines = f({ name: "lines", type: "array", required: true, example: '[{"part_id": "@list_parts", "quantity_received": 1}]' });
    expect(initialValues([lines])).toEqual({ lines: "" });
  });
});
