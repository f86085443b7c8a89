// The equipment lens: the yacht's equipment as the tree the server builds from parent_id
// (list_equipment, view "tree"), each piece marked when maintenance falls due on it, and the
// due maintenance itself (list_due_maintenance) listed above the tree.
import { useState } from "react";
import { ActionButton } from "../actions/ActionHost";
import { Link, entityPath } from "../app/router";
import { Badge, Empty, Loading, day } from "../app/ui";
import { useSession } from "../app/session";
import { useLoad } from "../app/useLoad";
import type { DueMaintenance, DueMaintenanceAnswer, EquipmentNode, EquipmentTreeAnswer } from "./lensTypes";
import "./lenses.css";

/** How far ahead "upcoming" maintenance is shown; the server's default (0) shows only what is due. */
const LOOKAHEAD_DAYS = 30;

type DueByEquipment = ReadonlyMap<string, DueMaintenance[]>;

function groupByEquipment(due: DueMaintenance[]): DueByEquipment {
  const map = new Map<string, DueMaintenance[]>();
  for (const d of due) map.set(d.equipment_id, [...(map.get(d.equipment_id) ?? []), d]);
  return map;
}

/** Ids of every node that has children, for "Expand all". */
function parentIds(nodes: EquipmentNode[]): string[] {
  return nodes.flatMap((n) => (n.children.length > 0 ? [n.id, ...parentIds(n.children)] : []));
}

export function EquipmentTree() {
  const { api, yachtId } = useSession();
  const tree = useLoad(
    () => api.read<EquipmentTreeAnswer>(yachtId, "list_equipment", { view: "tree" }),
    [api, yachtId],
  );
  const due = useLoad(
    () => api.read<DueMaintenanceAnswer>(yachtId, "list_due_maintenance", { within_days: LOOKAHEAD_DAYS }),
    [api, yachtId],
  );
  const dueByEquipment = groupByEquipment(due.data?.due ?? []);
  return (
    <div className="lens-view">
      <section aria-labelledby="due-title" className="lens-section">
        <div className="lens-section-head">
          <h2 id="due-title">Due maintenance</h2>
          <ActionButton actionId="generate_due_work_orders" />
        </div>
        <p className="muted">Maintenance due now, and what falls due within {LOOKAHEAD_DAYS} days.</p>
        <Loading load={due}>{(answer) => <DueList due={answer.due} />}</Loading>
      </section>
      <section aria-labelledby="equipment-title" className="lens-section">
        <div className="lens-section-head">
          <h2 id="equipment-title">All equipment</h2>
          <ActionButton actionId="add_equipment" className="button primary" />
        </div>
        <Loading load={tree}>
          {(answer) =>
            answer.equipment.length === 0 ? (
              <Empty>No equipment recorded yet. Add the yacht's systems and machinery to plan their maintenance.</Empty>
            ) : (
              <Tree roots={answer.equipment} dueByEquipment={dueByEquipment} />
            )
          }
        </Loading>
      </section>
    </div>
  );
}

function DueList({ due }: { due: DueMaintenance[] }) {
  if (due.length === 0) return (
      <Empty>
        Nothing falls due in the next {LOOKAHEAD_DAYS} days. Add maintenance schedules to equipment to plan its upkeep.
      </Empty>
    );
  return (
    <ul className="list lens-rows">
      {due.map((d) => (
        <li key={d.schedule_id} className="card lens-row">
          <div className="lens-row-main">
            <span className="lens-row-title">{d.task}</span>
            <DueBadge item={d} />
          </div>
          <p className="lens-meta">
            <Link to={entityPath("equipment", d.equipment_id)}>{d.equipment_name}</Link>
            {d.next_due_at && <span className="muted">Due {day(d.next_due_at)}</span>}
            {d.next_due_hours !== null && <span className="muted">Due at {d.next_due_hours} h</span>}
            {d.open_work_order_id && (
              <Link to={entityPath("work_order", d.open_work_order_id)}>Open work order</Link>
            )}
          </p>
        </li>
      ))}
    </ul>
  );
}

function DueBadge({ item }: { item: DueMaintenance }) {
  if (item.status === "upcoming") return <Badge tone="warn">Upcoming</Badge>;
  if (item.days_overdue !== null && item.days_overdue > 0) {
    return <Badge tone="bad">Overdue by {item.days_overdue} {item.days_overdue === 1 ? "day" : "days"}</Badge>;
  }
  if (item.hours_overdue !== null && item.hours_overdue > 0) {
    return <Badge tone="bad">Overdue by {item.hours_overdue} h</Badge>;
  }
  return <Badge tone="bad">Due</Badge>;
}

function Tree({ roots, dueByEquipment }: { roots: EquipmentNode[]; dueByEquipment: DueByEquipment }) {
  // The top level starts open, so the yacht's systems and their first parts are in view.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(
    () => new Set(roots.filter((r) => r.children.length > 0).map((r) => r.id)),
  );
  const toggle = (id: string) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <>
      <div className="lens-actions">
        <button type="button" className="button" onClick={() => setExpanded(new Set(parentIds(roots)))}>
          Expand all
        </button>
        <button type="button" className="button" onClick={() => setExpanded(new Set())}>
          Collapse all
        </button>
      </div>
      <TreeLevel nodes={roots} expanded={expanded} toggle={toggle} dueByEquipment={dueByEquipment} />
    </>
  );
}

interface LevelProps {
  nodes: EquipmentNode[];
  expanded: ReadonlySet<string>;
  toggle: (id: string) => void;
  dueByEquipment: DueByEquipment;
  id?: string;
}

function TreeLevel({ nodes, id, ...rest }: LevelProps) {
  return (
    <ul className="eq-tree" id={id}>
      {nodes.map((node) => (
        <TreeNode key={node.id} node={node} {...rest} />
      ))}
    </ul>
  );
}

function TreeNode({ node, expanded, toggle, dueByEquipment }: Omit<LevelProps, "nodes" | "id"> & { node: EquipmentNode }) {
  const open = expanded.has(node.id);
  const childrenId = `eq-children-${node.id}`;
  const due = dueByEquipment.get(node.id) ?? [];
  const place = [node.system, node.location].filter(Boolean).join(" · ");
  return (
    <li>
      <div className="eq-node">
        {node.children.length > 0 ? (
          <button
            type="button"
            className="eq-toggle"
            aria-expanded={open}
            aria-controls={open ? childrenId : undefined}
            aria-label={`Sub-equipment of ${node.name}`}
            onClick={() => toggle(node.id)}
          >
            <span aria-hidden="true">{open ? "▾" : "▸"}</span>
          </button>
        ) : (
          <span className="eq-toggle" aria-hidden="true" />
        )}
        <Link to={entityPath("equipment", node.id)}>{node.name}</Link>
        {place && <span className="muted">{place}</span>}
        {due.some((d) => d.status === "due") ? (
          <Badge tone="bad">Maintenance due</Badge>
        ) : (
          due.length > 0 && <Badge tone="warn">Maintenance upcoming</Badge>
        )}
      </div>
      {open && (
        <TreeLevel
          nodes={node.children}
          id={childrenId}
          expanded={expanded}
          toggle={toggle}
          dueByEquipment={dueByEquipment}
        />
      )}
    </li>
  );
}
