// Opening an action from anywhere: a view asks for an action by id, the host shows its
// modal (generated from the registry's field schema) and refreshes every view once the
// server has accepted it. An action the caller's role may not initiate is never offered.
import { createContext, useCallback, useContext, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";
import type { ActionDef, ExecuteAnswer } from "../api/types";
import { useSession } from "../app/session";
import { ActionModal } from "./ActionModal";

export interface ActionRequest {
  action: ActionDef;
  /** Values to start the form with (the entity's id, a part's name...). */
  prefill?: Record<string, unknown>;
  /** context.entity_id for the execute call. */
  entityId?: string;
  onDone?: (answer: ExecuteAnswer) => void;
}

/** One opening of the dialog: each gets a fresh modal (and so a fresh idempotency key). */
interface Opening {
  request: ActionRequest;
  serial: number;
}

const ActionHostContext = createContext<(request: ActionRequest) => void>(() => {});

export function ActionHost({ children }: { children: ReactNode }) {
  const { refresh } = useSession();
  const [open, setOpen] = useState<Opening | null>(null);
  const serial = useRef(0);
  const run = useCallback((request: ActionRequest) => {
    serial.current += 1;
    setOpen({ request, serial: serial.current });
  }, []);
  // Only the dialog still showing may close itself: a late answer to an earlier one must not
  // close the dialog opened since.
  const closeIfShowing = (opening: Opening) => setOpen((current) => (current === opening ? null : current));
  return (
    <ActionHostContext.Provider value={run}>
      {children}
      {open && (
        <ActionModal
          key={open.serial}
          action={open.request.action}
          prefill={open.request.prefill}
          entityId={open.request.entityId}
          onClose={() => closeIfShowing(open)}
          onDone={(answer) => {
            closeIfShowing(open);
            refresh();
            open.request.onDone?.(answer);
          }}
        />
      )}
    </ActionHostContext.Provider>
  );
}

export function useRunAction(): (request: ActionRequest) => void {
  return useContext(ActionHostContext);
}

/**
 * A button for one action, shown only when the registry lets the caller's role initiate it
 * here (and its lens is on): otherwise nothing at all.
 */
export function ActionButton({
  actionId,
  prefill,
  entityId,
  label,
  className,
  onDone,
}: {
  actionId: string;
  prefill?: Record<string, unknown>;
  entityId?: string;
  label?: string;
  className?: string;
  onDone?: (answer: ExecuteAnswer) => void;
}) {
  const { actions } = useSession();
  const run = useRunAction();
  const action = useMemo(() => actions.find((a) => a.action_id === actionId), [actions, actionId]);
  if (!action || action.variant === "READ") return null;
  return (
    <button
      type="button"
      className={className ?? "button"}
      data-action={action.action_id}
      onClick={() => run({ action, prefill, entityId, onDone })}
    >
      {label ?? action.label}
    </button>
  );
}
