// The one place the app speaks HTTP. Every failure becomes an ApiError carrying the
// contract's envelope (CONTRACT §1): status, error_code, message and details.
import type {
  ActionList,
  Alert,
  AuditEntry,
  DemoAccounts,
  ExecuteAnswer,
  Flag,
  LoginAnswer,
  MeAnswer,
  Member,
  OpsHealth,
  OpsHistory,
  Rollout,
  SearchAnswer,
  Signature,
  SuggestionAnswer,
} from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly requestId = "",
    /** Seconds from a 429's Retry-After header. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The payload field the server named (details.field), if any. */
  get field(): string | undefined {
    const f = this.details.field;
    return typeof f === "string" ? f : undefined;
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

export class Api {
  constructor(
    private token: string | null = null,
    private readonly fetcher: Fetch = (input, init) => fetch(input, init),
    /** Called when the server refuses this client's token (401): the session is over. */
    private readonly onUnauthorized?: (error: ApiError) => void,
  ) {}

  withToken(token: string | null, onUnauthorized?: (error: ApiError) => void): Api {
    return new Api(token, this.fetcher, onUnauthorized);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await this.fetcher(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network_error", "The server could not be reached. Check the connection and try again.");
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const e = (json ?? {}) as Record<string, unknown>;
      const error = new ApiError(
        response.status,
        typeof e.error_code === "string" ? e.error_code : "http_error",
        typeof e.message === "string" ? e.message : `The server answered ${response.status}.`,
        (e.details as Record<string, unknown>) ?? {},
        typeof e.request_id === "string" ? e.request_id : "",
        response.headers.get("Retry-After") ? Number(response.headers.get("Retry-After")) : undefined,
      );
      if (response.status === 401 && this.token) this.onUnauthorized?.(error);
      throw error;
    }
    return json as T;
  }

  login(email: string, password: string) {
    return this.request<LoginAnswer>("POST", "/v1/auth/login", { email, password });
  }
  me() {
    return this.request<MeAnswer>("GET", "/v1/me");
  }
  demoAccounts() {
    return this.request<DemoAccounts>("GET", "/v1/auth/demo-accounts");
  }
  actions(yachtId: string) {
    return this.request<ActionList>("GET", `/v1/actions/list${query({ yacht_id: yachtId })}`);
  }
  suggestions(yachtId: string, q: string) {
    return this.request<SuggestionAnswer>("POST", "/v1/actions/suggestions", { query: q, yacht_id: yachtId });
  }
  search(yachtId: string, q: string, limit = 20) {
    return this.request<SearchAnswer>("GET", `/v1/search${query({ yacht_id: yachtId, q, limit })}`);
  }
  execute(
    yachtId: string,
    action: string,
    payload: Record<string, unknown> = {},
    options: { entityId?: string; signature?: Signature } = {},
  ) {
    const context: Record<string, string> = { yacht_id: yachtId };
    if (options.entityId) context.entity_id = options.entityId;
    const body: Record<string, unknown> = { action, context, payload };
    if (options.signature) body.signature = options.signature;
    return this.request<ExecuteAnswer>("POST", "/v1/actions/execute", body);
  }
  /** A READ action's result object. */
  async read<T = Record<string, unknown>>(yachtId: string, action: string, payload: Record<string, unknown> = {}) {
    return (await this.execute(yachtId, action, payload)).result as T;
  }
  audit(yachtId: string, entityId: string) {
    return this.request<{ yacht_id: string; entries: AuditEntry[] }>(
      "GET",
      `/v1/audit${query({ yacht_id: yachtId, entity_id: entityId })}`,
    );
  }
  members(yachtId: string) {
    return this.request<{ yacht_id: string; members: Member[] }>("GET", `/v1/members${query({ yacht_id: yachtId })}`);
  }
  opsHealth(yachtId: string) {
    return this.request<OpsHealth>("GET", `/v1/ops/health${query({ yacht_id: yachtId })}`);
  }
  opsHistory(yachtId: string, lens: string, hours: number) {
    return this.request<OpsHistory>("GET", `/v1/ops/health/history${query({ yacht_id: yachtId, lens, hours })}`);
  }
  alerts(yachtId: string) {
    return this.request<{ yacht_id: string; alerts: Alert[] }>("GET", `/v1/ops/alerts${query({ yacht_id: yachtId })}`);
  }
  rollouts(yachtId: string) {
    return this.request<{ yacht_id: string; rollouts: Rollout[] }>(
      "GET",
      `/v1/ops/rollouts${query({ yacht_id: yachtId })}`,
    );
  }
  flags(yachtId: string) {
    return this.request<{ yacht_id: string; flags: Flag[] }>("GET", `/v1/flags${query({ yacht_id: yachtId })}`);
  }
}
