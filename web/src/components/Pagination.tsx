// Previous/next over a server-side page: "1–50 of 1,000".
import { fmtInt } from '../format.js';

export interface PaginationProps {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
}

export function Pagination({ offset, limit, total, onChange }: PaginationProps) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <div className="pagination">
      <span className="muted">
        {fmtInt(first)}–{fmtInt(last)} of {fmtInt(total)}
      </span>
      <button type="button" className="btn btn-small" disabled={offset <= 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        ‹ Previous
      </button>
      <button type="button" className="btn btn-small" disabled={last >= total} onClick={() => onChange(offset + limit)}>
        Next ›
      </button>
    </div>
  );
}
