// Free TCP ports for test servers on loopback.
//
// Ports are picked at random BELOW the kernel's ephemeral range (ip_local_port_range), so that the
// outgoing connections of other tests running at the same time (which take ephemeral ports) cannot
// grab a port between the moment we checked it and the moment the child process binds it.
import fs from 'node:fs';
import net from 'node:net';

const HOST = '127.0.0.1';

function ephemeralLow(): number {
  try {
    const text = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const low = Number(text.trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 12000) return low;
  } catch {
    // not Linux: fall through
  }
  return 32768;
}

const RANGE_LOW = 12000;
const RANGE_HIGH = ephemeralLow() - 2;

/** Resolves true when `port` can be bound on `host` right now (and releases it again). */
export function isPortFree(port: number, host = HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** Ports handed out by this process: never hand the same one out twice. */
const handedOut = new Set<number>();

function randomPort(): number {
  return RANGE_LOW + Math.floor(Math.random() * (RANGE_HIGH - RANGE_LOW));
}

async function allFree(ports: number[]): Promise<boolean> {
  for (const p of ports) {
    if (handedOut.has(p)) return false;
    if (!(await isPortFree(p))) return false;
  }
  return true;
}

/** A port that is free now, e.g. for a NameServer. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const p = randomPort();
    if (await allFree([p])) {
      handedOut.add(p);
      return p;
    }
  }
  throw new Error(`no free port found in ${RANGE_LOW}..${RANGE_HIGH} after 200 attempts`);
}

/**
 * A broker listenPort P such that P (main), P-2 (VIP channel) and P+1 (HA, haListenPort default) are all
 * free now.
 */
export async function freeBrokerPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const p = randomPort();
    const group = [p - 2, p - 1, p, p + 1];
    if (await allFree(group)) {
      for (const q of group) handedOut.add(q);
      return p;
    }
  }
  throw new Error(`no free broker port group (P-2, P, P+1) found in ${RANGE_LOW}..${RANGE_HIGH} after 200 attempts`);
}

/** Resolves once something accepts TCP connections on host:port; rejects after timeoutMs. */
export async function waitForPortAccepting(port: number, timeoutMs: number, host = HOST): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing accepted connections on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
