// Prometheus metrics kept in memory: requests by route and status, a latency histogram, and a few gauges.

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly gauges = new Map<string, { help: string; read: () => number }>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hkey = `${method}\u0000${route}`;
    let h = this.latency.get(hkey);
    if (!h) this.latency.set(hkey, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.counts[i]!++;
    });
    h.sum += seconds;
    h.count++;
  }

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

  /** The text exposition format, version 0.0.4. */
  render(): string {
    const out: string[] = [];
    out.push("# HELP rampart_http_requests_total HTTP requests answered, by route and status.");
    out.push("# TYPE rampart_http_requests_total counter");
    for (const [key, n] of [...this.requests].sort()) {
      const [method, route, status] = key.split("\u0000") as [string, string, string];
      out.push(
        `rampart_http_requests_total{method="${method}",route="${escapeLabel(route)}",status="${status}"} ${n}`,
      );
    }
    out.push("# HELP rampart_http_request_duration_seconds Time to answer, by route.");
    out.push("# TYPE rampart_http_request_duration_seconds histogram");
    for (const [key, h] of [...this.latency].sort()) {
      const [method, route] = key.split("\u0000") as [string, string];
      const labels = `method="${method}",route="${escapeLabel(route)}"`;
      BUCKETS.forEach((b, i) =>
        out.push(`rampart_http_request_duration_seconds_bucket{${labels},le="${b}"} ${h.counts[i]}`),
      );
      out.push(`rampart_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      out.push(`rampart_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      out.push(`rampart_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    for (const [name, g] of this.gauges) {
      out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`);
    }
    return out.join("\n") + "\n";
  }
}
