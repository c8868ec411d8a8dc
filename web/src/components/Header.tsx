// The header: which NameServers the dashboard talks to, and whether the cluster answers (polled every 10 s, and
// again right after the list is switched on the NameServers page).
import { useEffect } from 'react';
import { api } from '../api/endpoints.js';
import { errorMessage, usePolling } from '../api/useApi.js';

export const NAMESRV_CHANGED = 'namesrv-changed';

interface Health {
  addrs: string[];
  brokers?: number;
  /** Why the cluster did not answer (the dashboard server itself did). */
  clusterError?: string;
}

async function health(): Promise<Health> {
  const { addrs } = await api.namesrv();
  try {
    return { addrs, brokers: (await api.cluster()).brokers.length };
  } catch (err) {
    return { addrs, clusterError: errorMessage(err) };
  }
}

export function Header() {
  const state = usePolling(health, 10_000, []);
  const { reload } = state;
  useEffect(() => {
    window.addEventListener(NAMESRV_CHANGED, reload);
    return () => window.removeEventListener(NAMESRV_CHANGED, reload);
  }, [reload]);
  const problem = state.error ?? state.data?.clusterError;
  const brokers = state.data?.brokers;
  const statusClass = problem ? 'status down' : brokers !== undefined ? 'status live' : 'status';
  const statusText = problem ?? (brokers !== undefined ? `live · ${brokers} broker${brokers === 1 ? '' : 's'}` : 'connecting…');
  return (
    <header className="header">
      <span className="muted">NameServer</span>
      <span className="namesrv" data-testid="header-namesrv">
        {state.data ? state.data.addrs.join(';') : '…'}
      </span>
      <span className={statusClass} data-testid="header-status" title={statusText}>
        <span className="dot" aria-hidden="true" />
        <span className="text">{statusText}</span>
      </span>
    </header>
  );
}
