// Component tests speak to a scripted server through the app's own Api: each route answers
// JSON (or the contract's error envelope), and every request is recorded for assertions.
import { useMemo, useState } from "react";
import type { ReactNode } from "react";
import { render } from "@testing-library/react";
import { ActionHost } from "../actions/ActionHost";
import { Api } from "../api/client";
import type { Fetch } from "../api/client";
import type { ActionDef, LensInfo, Membership, User } from "../api/types";
import { Router } from "../app/router";
import { TestSession } from "../app/session";
import type { Session } from "../app/session";

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export type Answer = { status?: number; json: unknown };
export type Handler = (request: Recorded) => Answer | unknown;

/** An error answer in the contract's envelope (CONTRACT §1). */
export function envelope(status: number, error_code: string, message: string, details?: Record<string, unknown>): Answer {
  return { status, json: { success: false, error_code, message, status, request_id: "req-test", details } };
}

export class FakeServer {
  readonly requests: Recorded[] = [];
  private readonly routes = new Map<string, Handler>();

  /** on("POST /v1/actions/execute", handler); a handler returns an Answer or plain JSON. */
  on(route: string, handler: Handler): this {
    this.routes.set(route, handler);
    return this;
  }

  /** The execute calls made for one action. */
  executed(action: string): Recorded[] {
    return this.requests.filter(
      (r) => r.path === "/v1/actions/execute" && (r.body as { action?: string })?.action === action,
    );
  }

  readonly fetch: Fetch = async (input, init) => {
    const url = new URL(input, "http://celeste.test");
    const method = init?.method ?? "GET";
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    const request: Recorded = { method, path: url.pathname, query: url.searchParams, body };
    this.requests.push(request);
    let handler = this.routes.get(`${method} ${url.pathname}`);
    if (!handler && url.pathname === "/v1/actions/execute") {
      handler = this.routes.get(`EXECUTE ${(body as { action: string }).action}`);
    }
    if (!handler) {
      const a = envelope(404, "route_not_found", `no fake for ${method} ${url.pathname}`);
      return new Response(JSON.stringify(a.json), { status: 404 });
    }
    const out = handler(request);
    const answer: Answer =
      out && typeof out === "object" && "json" in (out as object) ? (out as Answer) : { json: out };
    return new Response(JSON.stringify(answer.json), {
      status: answer.status ?? 200,
      headers: { "Content-Type": "application/json" },
    });
  };

  api(): Api {
    return new Api("test-token", this.fetch);
  }
}

export const TEST_USER: User = { id: "11111111-1111-4111-8111-111111111111", email: "crew@celeste.demo", name: "Casey Crew" };
export const TEST_YACHT = "22222222-2222-4222-8222-222222222222";

export function membership(role: string): Membership {
  return { yacht_id: TEST_YACHT, yacht_name: "M/Y Celeste", role };
}

export function makeSession(server: FakeServer, overrides: Partial<Session> = {}): Session {
  const role = overrides.membership?.role ?? "crew";
  return {
    api: server.api(),
    user: TEST_USER,
    memberships: [membership(role)],
    yachtId: TEST_YACHT,
    membership: membership(role),
    actions: [] as ActionDef[],
    lenses: [] as LensInfo[],
    loaded: true,
    loadError: null,
    version: 0,
    refresh: () => {},
    switchYacht: () => {},
    logout: () => {},
    ...overrides,
  };
}

/**
 * Holds the session's version as the real SessionProvider does: refresh() (called by the
 * action host after a successful action) bumps it, so views reload as they would in the app.
 */
function LiveSession({ session, children }: { session: Session; children: ReactNode }) {
  const [version, setVersion] = useState(session.version);
  const value = useMemo<Session>(
    () => ({
      ...session,
      version,
      refresh: () => {
        session.refresh();
        setVersion((v) => v + 1);
      },
    }),
    [session, version],
  );
  return <TestSession value={value}>{children}</TestSession>;
}

/** Renders UI inside a session, the router and the action host. */
export function renderWithSession(ui: ReactNode, session: Session) {
  return render(
    <Router initialPath="/">
      <LiveSession session={session}>
        <ActionHost>{ui}</ActionHost>
      </LiveSession>
    </Router>,
  );
}
