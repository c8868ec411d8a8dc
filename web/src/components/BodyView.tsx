// A message body as text, pretty JSON or hex.
import { useState } from 'react';
import { Tabs } from './Tabs.js';

type Mode = 'text' | 'json' | 'hex';
const HEX_LIMIT = 16 * 1024;

function bytesOf(base64: string): Uint8Array {
  const raw = atob(base64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  const shown = bytes.subarray(0, HEX_LIMIT);
  for (let i = 0; i < shown.length; i += 16) {
    const row = Array.from(shown.subarray(i, i + 16));
    const hex = row.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = row.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${i.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > HEX_LIMIT) lines.push(`… ${bytes.length - HEX_LIMIT} more bytes`);
  return lines.join('\n');
}

function asJson(text: string | undefined): string {
  if (text === undefined) return 'The body is not UTF-8 text.';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (err) {
    return `The body is not JSON (${err instanceof Error ? err.message : String(err)}).`;
  }
}

export function BodyView({ base64, text }: { base64: string; text?: string }) {
  const [mode, setMode] = useState<Mode>(text === undefined ? 'hex' : 'text');
  const content = mode === 'text' ? (text ?? 'The body is not UTF-8 text: see Hex.') : mode === 'json' ? asJson(text) : hexDump(bytesOf(base64));
  return (
    <div>
      <Tabs<Mode> tabs={[['text', 'Text'], ['json', 'JSON'], ['hex', 'Hex']]} active={mode} onChange={setMode} />
      <pre className="body-view" data-testid="message-body">{content}</pre>
    </div>
  );
}
