// Dashboard: message TPS in/out per broker and the busiest topics over time, from the server's samples (it keeps
// the last hour), refreshed every 10 s.
import { useState } from 'react';
import type { MetricsResponse } from '../api/contract.js';
import { api } from '../api/endpoints.js';
import { usePolling } from '../api/useApi.js';
import { Async } from '../components/Async.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { TimeChart, type ChartSeries } from '../components/TimeChart.js';

const WINDOWS = [10, 30, 60] as const;

function brokerSeries(m: MetricsResponse): ChartSeries[] {
  return m.brokers.flatMap((b) => [
    { label: `${b.brokerName} in`, values: b.inTps },
    { label: `${b.brokerName} out`, values: b.outTps },
  ]);
}

function topicSeries(m: MetricsResponse): ChartSeries[] {
  return m.topics.map((t) => ({ label: t.topic, values: t.inTps }));
}

function Charts({ metrics }: { metrics: MetricsResponse }) {
  const times = metrics.times.map((ms) => ms / 1000);
  const problem = metrics.lastError && <ErrorBox message={`the last sample failed: ${metrics.lastError}`} />;
  if (times.length === 0) {
    return (
      <>
        {problem}
        <p className="muted">No samples yet: the server samples the brokers every {Math.round(metrics.intervalMs / 1000)} s.</p>
      </>
    );
  }
  return (
    <>
    {problem}
    <div className="grid-2">
      <div className="panel">
        <TimeChart title="Messages per second by broker" times={times} series={brokerSeries(metrics)} />
      </div>
      <div className="panel">
        <TimeChart title="Top topics, messages in per second" times={times} series={topicSeries(metrics)} />
      </div>
    </div>
    </>
  );
}

export function DashboardPage() {
  const [minutes, setMinutes] = useState<number>(60);
  const state = usePolling(() => api.metrics(minutes), 10_000, [minutes]);
  return (
    <section>
      <div className="toolbar">
        <h1>Dashboard</h1>
        <span className="spacer" />
        <label className="check">
          Window
          <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} aria-label="Window">
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                last {w} min
              </option>
            ))}
          </select>
        </label>
      </div>
      <Async state={state}>{(metrics) => <Charts metrics={metrics} />}</Async>
    </section>
  );
}
