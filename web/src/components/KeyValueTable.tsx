// A two-column table of name → value (broker runtime info, config, message properties), optionally filtered.
import { useState } from 'react';
import type { KeyValue } from '../api/contract.js';

export function pairs(items: KeyValue[]): Array<[string, string]> {
  return items.map((i) => [i.key, i.value]);
}

export function KeyValueTable({ entries, label, filterable = false }: { entries: Array<[string, string]>; label: string; filterable?: boolean }) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const shown = needle ? entries.filter(([k, v]) => k.toLowerCase().includes(needle) || v.toLowerCase().includes(needle)) : entries;
  return (
    <div>
      {filterable && (
        <input type="search" className="search" placeholder={`Filter ${label}`} aria-label={`Filter ${label}`} value={filter} onChange={(e) => setFilter(e.target.value)} />
      )}
      <table className="kv-table" aria-label={label}>
        <tbody>
          {shown.map(([key, value]) => (
            <tr key={key}>
              <th>{key}</th>
              <td>{value}</td>
            </tr>
          ))}
          {shown.length === 0 && (
            <tr>
              <td colSpan={2} className="empty">
                Nothing to show.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
