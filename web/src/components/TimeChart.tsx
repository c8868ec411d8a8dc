// A line chart over time (uPlot): x in epoch seconds, one line per series. Rebuilt when the series set changes,
// given new data otherwise, and resized with its container.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

/** An x-axis tick (epoch seconds) as local HH:MM only: uPlot's default puts a date under the first tick, which
 * overlaps the next label in a narrow window. */
function timeLabel(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** x tick spacings in seconds: whole minutes only. */
const MINUTE_INCRS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600];

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

function options(title: string, series: ChartSeries[], width: number, height: number, unit: string): uPlot.Options {
  return {
    title,
    width,
    height,
    series: [
      {},
      ...series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 1.5, points: { show: (self: uPlot) => (self.data[0]?.length ?? 0) < 30 } })),
    ],
    // Ticks a whole number of minutes apart, so that no two HH:MM labels repeat (windows are at most an hour).
    axes: [{ incrs: MINUTE_INCRS, values: (_u: uPlot, splits: number[]) => splits.map(timeLabel) }, { label: unit, size: 60 }],
    scales: {
      // At least a minute wide, so that the first samples do not stretch the axis over years.
      x: { time: true, range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => [min, Math.max(max, min + 60)] },
      y: { range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => [0, Math.max(1, max, min) * 1.1] },
    },
    legend: { show: true },
  };
}

export interface TimeChartProps {
  title: string;
  times: number[];
  series: ChartSeries[];
  unit?: string;
  height?: number;
}

export function TimeChart({ title, times, series, unit = 'msg/s', height = 240 }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((s) => s.label).join('\u0000');
  const data: uPlot.AlignedData = [times, ...series.map((s) => s.values)];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = new uPlot(options(title, series, Math.max(300, el.clientWidth), height, unit), data, el);
    plot.current = chart;
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(300, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Rebuild only when the set of lines or the frame changes; data updates go through setData below.
  }, [labels, title, height, unit]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return <div className="chart" ref={box} aria-label={title} />;
}
