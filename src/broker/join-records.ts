// Pull and query bodies are stored records back to back. The store hands out views of one read window, so
// neighbouring records usually sit next to each other in memory: then the body is one view, not a copy.

export function joinRecords(records: readonly Buffer[]): Buffer {
  const first = records[0];
  if (first === undefined) return Buffer.alloc(0);
  if (records.length === 1) return first;
  let end = first.byteOffset + first.length;
  for (let i = 1; i < records.length; i++) {
    const r = records[i]!;
    if (r.buffer !== first.buffer || r.byteOffset !== end) return Buffer.concat(records as Buffer[]);
    end += r.length;
  }
  return Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset);
}
