// The ops dashboard at /ops, for heads of department and managers: each lens's latest health
// check (and its latency trend), the open alerts (pending or firing), and the feature flags with their canary
// rollouts (docs/lens-ops.md). Each section loads on its own, so one failing read leaves the
// others standing; Refresh reads them all again.
import { useState } from "react";
import type { Alert, Flag, HealthCheck, HealthStatus, Rollout } from "../api/types";
import { sentenceCase } from "../app/format";
import { useSession } from "../app/session";
import { useLoad } from "../app/useLoad";
import { Badge, ErrorNote, Loading, when, words } from "../app/ui";
import type { Tone } from "../app/ui";
import { relativeTime } from "./relativeTime";
import { TrendChart, formatMs } from "./TrendChart";
import "./ops.css";

const HEALTH_TONES: Readonly<Record<HealthStatus, Tone>> = {
  healthy: "ok",
  degraded: "warn",
  unhealthy: "bad",
  inconclusive: "info",
  disabled: "muted",
};

const SEVERITY_TONES: Readonly<Record<string, Tone>> = { critical: "bad", warning: "warn", info: "info" };
const SEVERITY_ORDER = ["critical", "warning", "info"];
/** Firing alerts before pending ones (still gathering hits), then by severity. */
const STATE_ORDER = ["firing", "pending"];

function rankOf(order: string[], value: string): number {
  const i = order.indexOf(value);
  return i === -1 ? order.length : i;
}

/** A firing alert in its severity's colour; a pending one is only a heads-up. */
function stateTone(alert: Alert): Tone {
  return alert.state === "firing" ? (SEVERITY_TONES[alert.severity] ?? "info") : "info";
}

function Ago({ at, now }: { at: string; now: number }) {
  return (
    <time dateTime={at} title={`${when(at)} UTC`}>
      {relativeTime(at, now)}
    </time>
  );
}

export function OpsDashboard() {
  const { api, yachtId, lenses } = useSession();
  const [reloads, setReloads] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const health = useLoad(() => api.opsHealth(yachtId), [api, yachtId, reloads]);
  const alerts = useLoad(() => api.alerts(yachtId), [api, yachtId, reloads]);
  const flags = useLoad(() => api.flags(yachtId), [api, yachtId, reloads]);
  const rollouts = useLoad(() => api.rollouts(yachtId), [api, yachtId, reloads]);
  const now = Date.now();

  const lensLabel = (lensId: string) =>
    health.data?.lenses.find((l) => l.lens_id === lensId)?.label ??
    lenses.find((l) => l.id === lensId)?.label ??
    sentenceCase(lensId);

  return (
    <section className="ops" aria-labelledby="ops-title">
      <div className="ops-head">
        <h1 id="ops-title">Lens ops</h1>
        <button type="button" className="button" onClick={() => setReloads((n) => n + 1)}>
          Refresh
        </button>
      </div>

      <section className="card ops-section" aria-labelledby="health-title">
        <h2 id="health-title">Lens health</h2>
        <Loading load={health}>
          {(data) => (
            <HealthTable
              checks={data.lenses}
              neverChecked={data.never_checked}
              lensLabel={lensLabel}
              selected={selected}
              onSelect={setSelected}
              now={now}
            />
          )}
        </Loading>
        {selected ? (
          <TrendChart lensId={selected} label={lensLabel(selected)} reloadKey={reloads} />
        ) : (
          <p className="muted">Choose Trend on a lens to see its p95 latency over time.</p>
        )}
      </section>

      <section className="card ops-section" aria-labelledby="alerts-title">
        <h2 id="alerts-title">Alerts</h2>
        <Loading load={alerts}>{(data) => <AlertList alerts={data.alerts} lensLabel={lensLabel} now={now} />}</Loading>
      </section>

      <section className="card ops-section" aria-labelledby="flags-title">
        <h2 id="flags-title">Feature flags</h2>
        {rollouts.error !== undefined && <ErrorNote error={rollouts.error} />}
        <Loading load={flags}>{(data) => <FlagTable flags={data.flags} rollouts={rollouts.data?.rollouts ?? []} />}</Loading>
      </section>
    </section>
  );
}

function HealthTable({ checks, neverChecked, lensLabel, selected, onSelect, now }: {
  checks: HealthCheck[];
  neverChecked: string[];
  lensLabel: (lensId: string) => string;
  selected: string | null;
  onSelect: (lensId: string) => void;
  now: number;
}) {
  return (
    <div className="ops-table">
      <table>
        <caption>Latest check of each lens</caption>
        <thead>
          <tr>
            <th scope="col">Lens</th>
            <th scope="col">Status</th>
            <th scope="col">p95</th>
            <th scope="col">Error rate</th>
            <th scope="col">Last checked</th>
            <th scope="col">
              <span className="visually-hidden">Trend</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {checks.map((check) => (
            <HealthRow
              key={check.lens_id}
              check={check}
              label={check.label ?? lensLabel(check.lens_id)}
              selected={selected === check.lens_id}
              onSelect={() => onSelect(check.lens_id)}
              now={now}
            />
          ))}
          {neverChecked.map((lensId) => (
            <tr key={lensId}>
              <th scope="row">{lensLabel(lensId)}</th>
              <td>
                <Badge tone="muted">never checked</Badge>
              </td>
              <td>—</td>
              <td>—</td>
              <td>—</td>
              <td />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HealthRow({ check, label, selected, onSelect, now }: {
  check: HealthCheck;
  label: string;
  selected: boolean;
  onSelect: () => void;
  now: number;
}) {
  const slo = check.slo_p95_ms;
  const over = check.p95_ms !== null && slo !== undefined && check.p95_ms > slo;
  const reason = typeof check.notes?.reason === "string" ? check.notes.reason : "";
  return (
    <tr className={selected ? "ops-selected" : undefined}>
      <th scope="row">{label}</th>
      <td>
        <Badge tone={HEALTH_TONES[check.status] ?? "info"}>{check.status}</Badge>
        {reason && <small className="muted ops-reason">{reason}</small>}
      </td>
      <td className={over ? "ops-over" : undefined}>
        {check.p95_ms === null ? "—" : `${formatMs(check.p95_ms)} ms`}
        {slo !== undefined && <small className="muted"> / SLO {slo} ms</small>}
        {over && <small> (above SLO)</small>}
      </td>
      <td>{check.error_rate_percent === null ? "—" : `${Number(check.error_rate_percent.toFixed(1))} %`}</td>
      <td>
        <Ago at={check.observed_at} now={now} />
      </td>
      <td>
        <button type="button" className="button" aria-pressed={selected} aria-label={`Trend for ${label}`} onClick={onSelect}>
          Trend
        </button>
      </td>
    </tr>
  );
}

function AlertList({ alerts, lensLabel, now }: {
  alerts: Alert[];
  lensLabel: (lensId: string) => string;
  now: number;
}) {
  if (alerts.length === 0) return <p className="empty">No open alerts</p>;
  const ordered = [...alerts].sort(
    (a, b) =>
      rankOf(STATE_ORDER, a.state) - rankOf(STATE_ORDER, b.state) ||
      rankOf(SEVERITY_ORDER, a.severity) - rankOf(SEVERITY_ORDER, b.severity),
  );
  return (
    <ul className="list ops-alerts">
      {ordered.map((alert) => (
        <li key={alert.id}>
          <Badge tone={stateTone(alert)}>{alert.state}</Badge>{" "}
          <Badge tone={SEVERITY_TONES[alert.severity] ?? "info"}>{alert.severity}</Badge>{" "}
          <strong>{lensLabel(alert.lens_id)}</strong>
          <p>{alert.summary}</p>
          <small className="muted">
            {words(alert.rule)} · since <Ago at={alert.fired_at ?? alert.started_at} now={now} />
          </small>
        </li>
      ))}
    </ul>
  );
}

/** "stage 2 of 4 (20 %), running". */
function rolloutText(rollout: Rollout): string {
  return `stage ${rollout.stage} of ${rollout.stages.length} (${rollout.canary_percentage} %), ${words(rollout.state)}`;
}

/** The flag's rollout: an active one (running or paused) over a finished one. */
function rolloutOf(flag: string, rollouts: Rollout[]): Rollout | undefined {
  const mine = rollouts.filter((r) => r.flag_name === flag);
  return mine.find((r) => r.state === "running" || r.state === "paused") ?? mine[0];
}

function FlagTable({ flags, rollouts }: { flags: Flag[]; rollouts: Rollout[] }) {
  if (flags.length === 0) return <p className="empty">No feature flags</p>;
  return (
    <div className="ops-table">
      <table>
        <caption>Feature flags on this yacht</caption>
        <thead>
          <tr>
            <th scope="col">Flag</th>
            <th scope="col">This yacht</th>
            <th scope="col">Canary</th>
            <th scope="col">Environment</th>
            <th scope="col">Rollout</th>
          </tr>
        </thead>
        <tbody>
          {flags.map((flag) => {
            const rollout = rolloutOf(flag.flag_name, rollouts);
            return (
              <tr key={flag.flag_name}>
                <th scope="row">
                  <code>{flag.flag_name}</code>
                </th>
                <td>
                  <Badge tone={flag.enabled_for_yacht ? "ok" : "muted"}>{flag.enabled_for_yacht ? "on" : "off"}</Badge>
                </td>
                <td>
                  {flag.canary_percentage} %{!flag.enabled && <small className="muted"> (flag disabled)</small>}
                </td>
                <td>{flag.env_override === null ? "—" : `overridden: ${flag.env_override ? "on" : "off"}`}</td>
                <td>{rollout ? rolloutText(rollout) : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
