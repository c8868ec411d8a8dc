// Checkboxes choosing which kinds of topic are listed, each with how many exist.
import type { TopicKind } from '../api/contract.js';
import { fmtInt } from '../format.js';

const KINDS: Array<[TopicKind, string]> = [
  ['NORMAL', 'Normal'],
  ['RETRY', 'Retry'],
  ['DLQ', 'DLQ'],
  ['SYSTEM', 'System'],
];

export function KindFilter({ selected, counts, onChange }: { selected: TopicKind[]; counts?: Record<TopicKind, number>; onChange: (kinds: TopicKind[]) => void }) {
  const toggle = (kind: TopicKind, on: boolean): void => {
    const next = KINDS.map(([k]) => k).filter((k) => (k === kind ? on : selected.includes(k)));
    onChange(next);
  };
  return (
    <span className="toolbar" role="group" aria-label="Topic kinds" style={{ margin: 0 }}>
      {KINDS.map(([kind, title]) => (
        <label key={kind} className="check">
          <input type="checkbox" checked={selected.includes(kind)} onChange={(e) => toggle(kind, e.target.checked)} />
          {title}
          {counts && <span className="badge">{fmtInt(counts[kind])}</span>}
        </label>
      ))}
    </span>
  );
}
