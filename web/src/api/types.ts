// The shapes of celeste's HTTP answers the app reads (../shared/CONTRACT.md and docs/api.md).
// The registry is the authority: actions, fields and lenses come from the server.

export type Role = "crew" | "chief_engineer" | "chief_officer" | "captain" | "manager" | string;

/** CONTRACT §3: heads of department. */
export const HOD_ROLES: readonly string[] = ["chief_engineer", "chief_officer", "captain", "manager"];

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface Membership {
  yacht_id: string;
  yacht_name: string;
  role: Role;
}

export interface LoginAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  user: User;
  memberships: Membership[];
}

export interface MeAnswer {
  user: User;
  memberships: Membership[];
}

export type FieldType =
  | "string"
  | "text"
  | "integer"
  | "number"
  | "boolean"
  | "date"
  | "datetime"
  | "uuid"
  | "enum"
  | "array";

export interface FieldDef {
  name: string;
  type: FieldType;
  required: boolean;
  label: string;
  enum?: string[];
  min?: number;
  max?: number;
  min_exclusive?: boolean;
  /** Longest accepted string in bytes (string and text fields). */
  max_length?: number;
  /** For uuid fields: the entity type the id names ("part", "equipment", "user", ...). */
  references?: string;
  /** For array fields: JSON text of a valid value, shown as a starting point. */
  example?: string;
}

export type Variant = "READ" | "MUTATE" | "SIGNED";

export interface ActionDef {
  action_id: string;
  label: string;
  domain: string;
  variant: Variant;
  allowed_roles: Role[];
  signer_roles: Role[];
  fields: FieldDef[];
  search_keywords: string[];
}

export interface ActionList {
  actions: ActionDef[];
  role?: Role;
  lenses?: LensInfo[];
}

export interface Suggestion {
  action_id: string;
  label: string;
  domain: string;
  variant: Variant;
  score: number;
}

export interface SuggestionAnswer {
  suggestions: Suggestion[];
  ambiguous: boolean;
  candidates: Suggestion[];
}

export interface SearchResult {
  entity_type: string;
  entity_id: string;
  lens: string;
  title: string;
  subtitle: string;
  score: number;
}

export interface SearchAnswer {
  yacht_id: string;
  query: string;
  terms: string[];
  count: number;
  results: SearchResult[];
}

export interface Signature {
  signer_id: string;
  method: "pin";
  pin: string;
  signed_at: string;
  reason?: string;
}

export interface ExecuteAnswer {
  success: true;
  action: string;
  entity_id?: string;
  result: Record<string, unknown>;
  audit_id?: string;
  request_id: string;
}

export interface AuditEntry {
  id: string;
  yacht_id: string;
  seq: number;
  action: string;
  entity_type: string;
  entity_id: string;
  actor_id: string;
  actor_role: Role;
  payload: Record<string, unknown>;
  signature: {
    signer_id: string;
    role_at_signing: Role;
    method: string;
    signed_at: string;
    payload_sha256: string;
    reason?: string | null;
  } | null;
  request_id: string;
  created_at: string;
  hash: string;
}

export interface Member {
  user_id: string;
  name: string;
  role: Role;
}

export interface DemoAccounts {
  demo: boolean;
  password?: string;
  pin?: string;
  accounts: { email: string; yacht_name: string; role: Role }[];
}

export type HealthStatus = "healthy" | "degraded" | "unhealthy" | "inconclusive" | "disabled";

export interface HealthCheck {
  id: string;
  lens_id: string;
  status: HealthStatus;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  error_rate_percent: number | null;
  sample_size: number;
  observed_at: string;
  notes: Record<string, unknown>;
  label?: string;
  slo_p95_ms?: number;
}

export interface OpsHealth {
  yacht_id: string;
  lenses: HealthCheck[];
  never_checked: string[];
}

export interface HourlyRollup {
  hour: string;
  checks: number;
  status_counts: Record<string, number>;
  samples: number;
  failed_samples: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export interface OpsHistory {
  yacht_id: string;
  lens_id: string;
  hours: number;
  since: string;
  slo_p95_ms: number;
  hourly: HourlyRollup[];
  checks: HealthCheck[];
}

export interface Alert {
  id: string;
  rule: string;
  lens_id: string;
  severity: string;
  state: string;
  hits: number;
  summary: string;
  started_at: string;
  fired_at: string | null;
  resolved_at: string | null;
}

export interface Flag {
  flag_name: string;
  enabled: boolean;
  canary_percentage: number;
  updated_at: string;
  updated_by: string | null;
  env_override: boolean | null;
  bucket: number;
  enabled_for_yacht: boolean;
}

export interface Rollout {
  id: string;
  flag_name: string;
  lens_id: string;
  stages: number[];
  stage: number;
  canary_percentage: number;
  hold_seconds: number;
  auto_rollback: boolean;
  state: string;
  stage_started_at: string;
  reason: string | null;
}

/** An enabled lens, as GET /v1/actions/list names it. */
export interface LensInfo {
  id: string;
  label: string;
  entity_type: string;
}
