// A small SVG bar chart (no chart library): one bar per bucket, each with a title for hover and screen readers.

export interface Bar {
  label: string;
  value: number;
}

export function BarChart({
  bars,
  title,
  height = 120,
}: {
  bars: readonly Bar[];
  title: string;
  height?: number;
}) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const width = Math.max(bars.length * 14, 140);
  const step = width / Math.max(bars.length, 1);
  return (
    <svg className="bar-chart" role="img" aria-label={title} viewBox={`0 0 ${width} ${height + 16}`}>
      <title>{title}</title>
      <line x1={0} x2={width} y1={height} y2={height} className="axis" />
      {bars.map((b, i) => {
        const h = (b.value / max) * (height - 8);
        return (
          <rect
            key={b.label}
            x={i * step + 2}
            y={height - h}
            width={Math.max(step - 4, 1)}
            height={h}
            className="bar"
          >
            <title>{`${b.label}: ${b.value}`}</title>
          </rect>
        );
      })}
      {bars.length > 0 && (
        <>
          <text x={0} y={height + 13} className="tick">
            {bars[0]!.label}
          </text>
          <text x={width} y={height + 13} className="tick" textAnchor="end">
            {bars[bars.length - 1]!.label}
          </text>
        </>
      )}
    </svg>
  );
}

/** Counts dates (ISO strings) per day over the `days` days ending `today` (YYYY-MM-DD), oldest first. */
export function perDay(dates: readonly string[], today: string, days: number): Bar[] {
  const end = Date.parse(`${today}T00:00:00Z`);
  const bars: Bar[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(end - i * 86_400_000).toISOString().slice(0, 10);
    bars.push({ label: day, value: dates.filter((d) => d.slice(0, 10) === day).length });
  }
  return bars;
}
