// Free TCP ports on loopback for the benchmark's servers, and waiting until a port accepts connections.
import net from 'node:net';

const HOST = '127.0.0.1';

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const taken = new Set<number>();

/** A port P with P-2 .. P+1 free (a broker uses P, the VIP channel P-2 and HA P+1); `span` 1 = just P. */
export async function freePort(span: 'single' | 'broker'): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const p = 20_000 + Math.floor(Math.random() * 10_000);
    const group = span === 'single' ? [p] : [p - 2, p - 1, p, p + 1];
    let ok = true;
    for (const q of group) {
      if (taken.has(q) || !(await isFree(q))) {
        ok = false;
        break;
      }
    }
    if (ok) {
      for (const q of group) taken.add(q);
      return p;
    }
  }
  throw new Error('no free port found in 20000..30000');
}

/** One connect attempt. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: HOST });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
