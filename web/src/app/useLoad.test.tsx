// useLoad: data belongs to the inputs it was loaded for; new inputs show loading, never the
// previous inputs' data; a late answer for old inputs is dropped.
import { act, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FakeServer, makeSession } from "../test/fakeServer";
import { TestSession } from "./session";
import { useLoad } from "./useLoad";

function Probe({ lens, answers }: { lens: string; answers: Record<string, Promise<string>> }) {
  const load = useLoad(() => answers[lens], [lens]);
  return <p>{load.data === undefined ? `loading ${lens}` : `${lens}: ${load.data}`}</p>;
}

function deferred() {
  let resolve!: (v: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}

describe("useLoad", () => {
  it("shows loading, not the previous input's data, until the new input's answer arrives", async () => {
    const session = makeSession(new FakeServer());
    const parts = deferred();
    const faults = deferred();
    const answers = { parts: parts.promise, faults: faults.promise };
    const { rerender } = render(
      <TestSession value={session}>
        <Probe lens="parts" answers={answers} />
      </TestSession>,
    );
    parts.resolve("12 parts");
    expect(await screen.findByText("parts: 12 parts")).toBeInTheDocument();

    rerender(
      <TestSession value={session}>
        <Probe lens="faults" answers={answers} />
      </TestSession>,
    );
    expect(screen.getByText("loading faults")).toBeInTheDocument();
    faults.resolve("3 faults");
    expect(await screen.findByText("faults: 3 faults")).toBeInTheDocument();
  });

  it("drops a late answer for inputs that have changed", async () => {
    const session = makeSession(new FakeServer());
    const slow = deferred();
    const fast = deferred();
    const answers = { a: slow.promise, b: fast.promise };
    const { rerender } = render(
      <TestSession value={session}>
        <Probe lens="a" answers={answers} />
      </TestSession>,
    );
    rerender(
      <TestSession value={session}>
        <Probe lens="b" answers={answers} />
      </TestSession>,
    );
    fast.resolve("new");
    expect(await screen.findByText("b: new")).toBeInTheDocument();
    await act(async () => slow.resolve("old"));
    expect(screen.getByText("b: new")).toBeInTheDocument();
  });

  it("keeps showing the data while it reloads after an action", async () => {
    const server = new FakeServer();
    let n = 0;
    const answers = {
      get parts() {
        n += 1;
        return Promise.resolve(`answer ${n}`);
      },
    } as unknown as Record<string, Promise<string>>;
    const { rerender } = render(
      <TestSession value={makeSession(server, { version: 0 })}>
        <Probe lens="parts" answers={answers} />
      </TestSession>,
    );
    expect(await screen.findByText("parts: answer 1")).toBeInTheDocument();
    rerender(
      <TestSession value={makeSession(server, { version: 1 })}>
        <Probe lens="parts" answers={answers} />
      </TestSession>,
    );
    expect(screen.getByText("parts: answer 1")).toBeInTheDocument();
    expect(await screen.findByText("parts: answer 2")).toBeInTheDocument();
  });
});
