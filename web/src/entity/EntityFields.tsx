// A record's own fields, whatever its type: its scalar values as a definition list and its
// nested arrays (order lines, parts consumed...) as small tables. Ids become links to the
// record they name or the member's name; raw ids and nested objects are left out.
import type { ReactNode } from "react";
import { isUuid, sentenceCase } from "../app/format";
import { Link, entityPath } from "../app/router";
import { day, when, words } from "../app/ui";
import { ENTITY_TYPES, LINK_FIELDS, isUserField } from "./entityTypes";
import type { Detail, RowLink } from "./entityTypes";
import { personName } from "../app/members";
import type { People } from "../app/members";

const ENUM_WORD = /^[a-z]+(_[a-z]+)+$/;
/** Never shown; the status is the page's badge, so only the field list leaves it out. */
const HIDDEN_COLUMNS = new Set(["id", "yacht_id", "download_url"]);
const HIDDEN_FIELDS = new Set([...HIDDEN_COLUMNS, "status"]);

/** "quantity_requested" → "Quantity requested"; "parent_id" → "Parent". */
export function fieldLabel(key: string): string {
  return sentenceCase(key.replace(/_id$/, ""));
}

type Scalar = string | number | boolean;

function isScalar(value: unknown): value is Scalar {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** Whether a field is worth a line: not empty, not a bare id nobody can read. */
function shown(key: string, value: unknown, hidden: Set<string> = HIDDEN_COLUMNS): value is Scalar {
  if (!isScalar(value) || value === "" || hidden.has(key)) return false;
  if (key in LINK_FIELDS || isUserField(key)) return true;
  return !key.endsWith("_id") && !(typeof value === "string" && isUuid(value));
}

function FieldValue({ name, value, people }: { name: string; value: Scalar; people: People }) {
  const linked = LINK_FIELDS[name];
  if (linked && typeof value === "string") {
    return <Link to={entityPath(linked, value)}>Open {(ENTITY_TYPES[linked]?.label ?? words(linked)).toLowerCase()}</Link>;
  }
  if (isUserField(name) && typeof value === "string") return <span title={value}>{personName(people, value)}</span>;
  if (typeof value === "boolean") return <>{value ? "yes" : "no"}</>;
  if (typeof value === "number") return <>{value}</>;
  if (name.endsWith("_at")) return <time dateTime={value}>{when(value)}</time>;
  if (name.endsWith("_date")) return <>{day(value)}</>;
  return <>{ENUM_WORD.test(value) ? words(value) : value}</>;
}

export function EntityFields({ detail, people, rowLinks, omit }: {
  detail: Detail;
  people: People;
  rowLinks?: Record<string, RowLink>;
  /** Arrays shown elsewhere (the history has its own timeline). */
  omit: string[];
}) {
  const scalars = Object.entries(detail).filter((entry): entry is [string, Scalar] =>
    shown(entry[0], entry[1], HIDDEN_FIELDS),
  );
  const tables = Object.entries(detail).filter(
    (entry): entry is [string, unknown[]] => Array.isArray(entry[1]) && !omit.includes(entry[0]),
  );
  return (
    <>
      <dl className="entity-fields">
        {scalars.map(([key, value]) => (
          <div key={key}>
            <dt>{fieldLabel(key)}</dt>
            <dd>
              <FieldValue name={key} value={value} people={people} />
            </dd>
          </div>
        ))}
      </dl>
      {tables.map(([key, rows]) => (
        <NestedTable key={key} name={key} rows={rows} people={people} link={rowLinks?.[key]} />
      ))}
    </>
  );
}

function NestedTable({ name, rows, people, link }: {
  name: string;
  rows: unknown[];
  people: People;
  link?: RowLink;
}) {
  const records = rows.filter((r): r is Detail => typeof r === "object" && r !== null && !Array.isArray(r));
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))].filter(
    (key) => !(key in LINK_FIELDS) && records.some((r) => shown(key, r[key])),
  );
  if (records.length === 0 || columns.length === 0) {
    return (
      <p className="muted entity-none">
        {fieldLabel(name)}: none.
      </p>
    );
  }
  const cell = (record: Detail, key: string): ReactNode => {
    const value = record[key];
    if (!shown(key, value)) return "—";
    const content = <FieldValue name={key} value={value} people={people} />;
    const target = link?.column === key ? record[link.idKey] : undefined;
    return link && typeof target === "string" ? <Link to={entityPath(link.type, target)}>{content}</Link> : content;
  };
  return (
    <div className="entity-table">
      <table>
        <caption>{fieldLabel(name)}</caption>
        <thead>
          <tr>
            {columns.map((key) => (
              <th key={key} scope="col">
                {fieldLabel(key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {records.map((record, i) => (
            <tr key={typeof record.id === "string" ? record.id : i}>
              {columns.map((key) => (
                <td key={key}>{cell(record, key)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
