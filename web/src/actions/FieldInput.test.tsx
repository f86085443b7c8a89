// One control per registry field type, each named by the field's label, with required
// and error states exposed to assistive technology.
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { FieldDef } from "../api/types";
import { FakeServer, makeSession, renderWithSession } from "../test/fakeServer";
import { FieldInput } from "./FieldInput";
import type { FormValue } from "./validate";

function show(field: FieldDef, value: FormValue = "", error?: string) {
  const onChange = vi.fn();
  renderWithSession(
    <FieldInput id={`f-${field.name}`} field={field} value={value} error={error} onChange={onChange} />,
    makeSession(new FakeServer()),
  );
  return onChange;
}

const field = (over: Partial<FieldDef>): FieldDef => ({ name: "x", label: "X", type: "string", required: false, ...over });

describe("FieldInput", () => {
  it("names a required control exactly by its label and marks it required", () => {
    show(field({ label: "Part name", required: true }));
    const input = screen.getByRole("textbox", { name: "Part name" });
    expect(input).toHaveAttribute("aria-required", "true");
    expect(screen.getByText("*")).toHaveAttribute("aria-hidden", "true");
  });

  it("shows the error under the control, as its description, and marks it invalid", () => {
    show(field({ label: "Part name", required: true }), "", "Part name is required.");
    const input = screen.getByRole("textbox", { name: "Part name" });
    expect(input).toHaveAccessibleDescription("Part name is required.");
    expect(input).toHaveAttribute("aria-invalid", "true");
  });

  it("renders an enum as a select with an empty choice and the registry's values", () => {
    show(field({ label: "Urgency", type: "enum", enum: ["low", "normal", "high", "critical"] }));
    const select = screen.getByRole("combobox", { name: "Urgency" }) as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.value)).toEqual(["", "low", "normal", "high", "critical"]);
  });

  it("renders a date as a date input and a datetime as datetime-local", () => {
    show(field({ name: "d", label: "Required by", type: "date" }));
    show(field({ name: "t", label: "Last done", type: "datetime" }));
    expect(screen.getByLabelText("Required by")).toHaveAttribute("type", "date");
    expect(screen.getByLabelText("Last done")).toHaveAttribute("type", "datetime-local");
  });

  it("renders an integer as a whole-number input with its range", () => {
    show(field({ label: "Every (days)", type: "integer", min: 1, max: 36500 }));
    const input = screen.getByRole("spinbutton", { name: "Every (days)" });
    expect(input).toHaveAttribute("min", "1");
    expect(input).toHaveAttribute("max", "36500");
    expect(input).toHaveAttribute("step", "1");
  });

  it("renders a number as a decimal input", () => {
    show(field({ label: "Quantity", type: "number", min: 0, min_exclusive: true }));
    expect(screen.getByRole("spinbutton", { name: "Quantity" })).toHaveAttribute("step", "any");
  });

  it("renders a boolean as a checkbox that reports true when ticked", async () => {
    const onChange = show(field({ label: "Resolved without a work order", type: "boolean" }), false);
    await userEvent.setup().click(screen.getByRole("checkbox", { name: "Resolved without a work order" }));
    expect(onChange).toHaveBeenCalledWith(true);
  });

  it("renders text as a textarea and string as a one-line input", () => {
    show(field({ name: "notes", label: "Notes", type: "text" }));
    show(field({ name: "unit", label: "Unit" }));
    expect(screen.getByRole("textbox", { name: "Notes" }).tagName).toBe("TEXTAREA");
    expect(screen.getByRole("textbox", { name: "Unit" }).tagName).toBe("INPUT");
  });

  it("renders an array as a JSON textarea showing the field's example", () => {
    const example = '[{"part_id": "@list_parts", "quantity_received": 1}]';
    show(field({ label: "What arrived", type: "array", required: true, example }), example);
    const area = screen.getByRole("textbox", { name: "What arrived" });
    expect(area.tagName).toBe("TEXTAREA");
    expect(area).toHaveValue(example);
    expect(area).toHaveAccessibleDescription("A JSON list.");
  });

  it("renders a uuid without references as a plain text input", () => {
    show(field({ label: "Work order", type: "uuid" }));
    expect(screen.getByRole("textbox", { name: "Work order" })).toHaveAttribute("type", "text");
  });

  it("renders a uuid with references as a searchable picker", () => {
    show(field({ label: "Catalog part", type: "uuid", references: "part" }));
    expect(screen.getByRole("combobox", { name: "Catalog part" })).toHaveAttribute("aria-autocomplete", "list");
  });
});
