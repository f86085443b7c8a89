// A record's state history, oldest first: each move, who made it in which role, when, and
// their notes. The server writes one row per move (CONTRACT §7, docs/api.md).
import { when, words } from "../app/ui";
import type { HistoryEntry } from "./entityTypes";
import { personName } from "../app/members";
import type { People } from "../app/members";

export function Timeline({ entries, people }: { entries: HistoryEntry[]; people: People }) {
  const ordered = [...entries].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return (
    <section className="card entity-section" aria-labelledby="timeline-title">
      <h2 id="timeline-title">History</h2>
      {ordered.length === 0 ? (
        <p className="muted">No status changes yet.</p>
      ) : (
        <ol className="timeline">
          {ordered.map((entry, i) => (
            <li key={`${entry.at}-${i}`}>
              <p className="timeline-move">
                {entry.from_status ? (
                  <>
                    {words(entry.from_status)} <span aria-hidden="true">→</span>
                    <span className="visually-hidden">to</span> {words(entry.to_status)}
                  </>
                ) : (
                  <>created as {words(entry.to_status)}</>
                )}
              </p>
              <p className="muted">
                {personName(people, entry.actor_id)} ({words(entry.actor_role)}) ·{" "}
                <time dateTime={entry.at}>{when(entry.at)}</time>
              </p>
              {entry.notes && <p className="timeline-notes">{entry.notes}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
