// The action host against a scripted server: which dialog is showing when answers arrive
// late, and the views refreshing after a success.
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import { Api } from "../api/client";
import { FakeServer, makeSession, membership, renderWithSession } from "../test/fakeServer";
import { useRunAction } from "./ActionHost";
import type { ActionRequest } from "./ActionHost";
import { executed, registryAction } from "./testRegistry";

const WORK_ORDER_ID = "0193e000-0000-7000-8000-000000000001";
const START = registryAction("start_work_order");
const NOTE = registryAction("add_work_order_note");

/** Two openers, as two views of the app would offer them. */
function Openers({ requests }: { requests: ActionRequest[] }) {
  const run = useRunAction();
  return (
    <>
      {requests.map((request) => (
        <button key={request.action.action_id} type="button" onClick={() => run(request)}>
          Open {request.action.label}
        </button>
      ))}
    </>
  );
}

test("a late success of an earlier dialog does not close the one opened since", async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const server = new FakeServer().on("EXECUTE start_work_order", () => executed("start_work_order", WORK_ORDER_ID));
  const held = new Api("test-token", async (input, init) => {
    await gate;
    return server.fetch(input, init);
  });
  const refresh = vi.fn();
  const onStarted = vi.fn();
  renderWithSession(
    <Openers
      requests={[
        { action: START, prefill: { work_order_id: WORK_ORDER_ID }, entityId: WORK_ORDER_ID, onDone: onStarted },
        { action: NOTE, prefill: { work_order_id: WORK_ORDER_ID }, entityId: WORK_ORDER_ID },
      ]}
    />,
    makeSession(server, { api: held, membership: membership("crew"), actions: [START, NOTE], refresh }),
  );
  const user = userEvent.setup();
  await user.click(screen.getByRole("button", { name: "Open Start work order" }));
  await user.click(screen.getByRole("button", { name: "Start work order" }));
  // Another view opens a second dialog while the first call is still out.
  await user.click(screen.getByRole("button", { name: "Open Add note to work order" }));
  expect(screen.getByRole("dialog", { name: "Add note to work order" })).toBeInTheDocument();
  release();
  await waitFor(() => expect(onStarted).toHaveBeenCalledTimes(1));
  expect(refresh).toHaveBeenCalledTimes(1);
  expect(screen.getByRole("dialog", { name: "Add note to work order" })).toBeInTheDocument();
});

test("closes the dialog and refreshes the views after a success", async () => {
  const server = new FakeServer().on("EXECUTE start_work_order", () => executed("start_work_order", WORK_ORDER_ID));
  const refresh = vi.fn();
  renderWithSession(
    <Openers requests={[{ action: START, prefill: { work_order_id: WORK_ORDER_ID }, entityId: WORK_ORDER_ID }]} />,
    makeSession(server, { membership: membership("crew"), actions: [START], refresh }),
  );
  const user = userEvent.setup();
  await user.click(screen.getByRole("button", { name: "Open Start work order" }));
  await user.click(screen.getByRole("button", { name: "Start work order" }));
  await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  expect(refresh).toHaveBeenCalledTimes(1);
});
