// One lens's hourly p95 latency over the last 24 hours or 7 days (GET /v1/ops/health/history),
// drawn as plain SVG: the line breaks where an hour has no p95, and the lens's SLO is a dashed
// line. Hand-written to keep a chart library out of the bundle.
import { useState } from "react";
import type { OpsHistory } from "../api/types";
import { useSession } from "../app/session";
import { useLoad } from "../app/useLoad";
import { Loading } from "../app/ui";
import { parseTime } from "./relativeTime";
import "./ops.css";

const PERIODS = [
  { hours: 24, label: "24 h" },
  { hours: 168, label: "7 d" },
] as const;

const HOUR = 3_600_000;
const WIDTH = 480;
const HEIGHT = 260;
// Room on the right for the last hour label, centred on the plot's edge.
const PAD = { left: 60, right: 30, top: 16, bottom: 34 };

/** A round step near a quarter of the range: 1, 2, 2.5 or 5 times a power of ten. */
function niceStep(max: number): number {
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const multiple = [1, 2, 2.5, 5].find((m) => m * power >= rough) ?? 10;
  return multiple * power;
}

export function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

function periodLabel(hours: number): string {
  return PERIODS.find((p) => p.hours === hours)?.label ?? `${hours} h`;
}

export function TrendChart({ lensId, label, reloadKey }: { lensId: string; label: string; reloadKey: number }) {
  const { api, yachtId } = useSession();
  const [hours, setHours] = useState<number>(24);
  const load = useLoad(() => api.opsHistory(yachtId, lensId, hours), [api, yachtId, lensId, hours, reloadKey]);
  return (
    <section className="trend" aria-labelledby="trend-title">
      <div className="trend-head">
        <h3 id="trend-title">p95 latency: {label}</h3>
        <div role="group" aria-label="Period" className="trend-toggle">
          {PERIODS.map((p) => (
            <button
              key={p.hours}
              type="button"
              className="button"
              aria-pressed={hours === p.hours}
              onClick={() => setHours(p.hours)}
            >
              {p.label}
            </button>
          ))}
        </div>
      </div>
      <Loading load={load}>{(history) => <Chart history={history} />}</Loading>
    </section>
  );
}

interface Point {
  slot: number;
  ms: number;
}

/** The hourly p95s placed on hour slots from the hour holding `since`; runs of consecutive hours. */
function segments(history: OpsHistory): Point[][] {
  const start = Math.floor(parseTime(history.since) / HOUR) * HOUR;
  const placed = history.hourly
    .map((h) => ({ slot: Math.round((parseTime(h.hour) - start) / HOUR), ms: h.p95_ms }))
    .sort((a, b) => a.slot - b.slot);
  const runs: Point[][] = [];
  let previous = -2;
  for (const { slot, ms } of placed) {
    if (ms === null) {
      previous = -2;
      continue;
    }
    if (slot !== previous + 1 || runs.length === 0) runs.push([]);
    runs[runs.length - 1].push({ slot, ms });
    previous = slot;
  }
  return runs;
}

function tickLabel(start: number, slot: number, hours: number): string {
  const iso = new Date(start + slot * HOUR).toISOString();
  return hours <= 24 ? iso.slice(11, 16) : iso.slice(5, 10);
}

function Chart({ history }: { history: OpsHistory }) {
  const runs = segments(history);
  const points = runs.flat();
  if (points.length === 0) return <p className="empty">No checks in this period</p>;

  const slo = history.slo_p95_ms;
  const max = Math.max(...points.map((p) => p.ms));
  const step = niceStep(Math.max(max, slo) * 1.1);
  const top = Math.ceil((Math.max(max, slo) * 1.1) / step) * step;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (slot: number) => PAD.left + (slot / history.hours) * plotWidth;
  const y = (ms: number) => PAD.top + (1 - ms / top) * plotHeight;
  const d = runs
    .map((run) => run.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.slot).toFixed(1)} ${y(p.ms).toFixed(1)}`).join(" "))
    .join(" ");
  const start = Math.floor(parseTime(history.since) / HOUR) * HOUR;
  const xStep = history.hours <= 24 ? 6 : 24;
  const xTicks = Array.from({ length: Math.floor(history.hours / xStep) + 1 }, (_, i) => i * xStep);
  const yTicks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const summary = `p95 over the last ${periodLabel(history.hours)}: max ${formatMs(max)} ms, SLO ${slo} ms`;

  return (
    <>
      <svg
        className="trend-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={summary}
      >
        <title>{summary}</title>
        <g className="trend-axis">
          <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={PAD.top + plotHeight} />
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + plotHeight} y2={PAD.top + plotHeight} />
          {yTicks.map((v) => (
            <g key={`y${v}`}>
              <line className="trend-grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(v)} y2={y(v)} />
              <text x={PAD.left - 6} y={y(v)} textAnchor="end" dominantBaseline="middle">
                {v} ms
              </text>
            </g>
          ))}
          {xTicks.map((slot) => (
            <text key={`x${slot}`} x={x(slot)} y={HEIGHT - 10} textAnchor="middle">
              {tickLabel(start, slot, history.hours)}
            </text>
          ))}
        </g>
        <line className="trend-slo" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(slo)} y2={y(slo)} strokeDasharray="6 4" />
        <text className="trend-slo-label" x={WIDTH - PAD.right} y={y(slo) - 5} textAnchor="end">
          SLO {slo} ms
        </text>
        <path className="trend-line" d={d} fill="none" />
        {points.map((p) => (
          <circle key={p.slot} className="trend-dot" cx={x(p.slot)} cy={y(p.ms)} r={2.5} />
        ))}
      </svg>
      <p className="muted trend-note">Hourly p95 from the monitor's checks; times in UTC.</p>
    </>
  );
}
