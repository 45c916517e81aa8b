// A small HTTP client for tests and benchmarks: keeps the session cookie and the CSRF token like a browser would.

export interface HttpAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export class HttpClient {
  private cookies = new Map<string, string>();
  /** Sent as X-CSRF-Token on writes once a sign-in returned one. */
  csrf: string | undefined;

  constructor(
    readonly base: string,
    private readonly bearer?: string,
  ) {}

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size > 0) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (body !== undefined) h["content-type"] = "application/json";
    if (this.csrf && method !== "GET" && !("x-csrf-token" in h)) h["x-csrf-token"] = this.csrf;
    const res = await fetch(this.base + path, {
      method,
      headers: h,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = unknown>(path: string) {
    return this.call<T>("GET", path);
  }

  post<T = unknown>(path: string, body: unknown = {}, headers?: Record<string, string>) {
    return this.call<T>("POST", path, body, headers);
  }

  /** Signs in; keeps the cookie and the CSRF token. */
  async login(username: string, password: string, totp?: string) {
    const r = await this.post<{ csrfToken?: string; stage?: string }>("/api/v1/auth/login", {
      username,
      password,
      ...(totp !== undefined && { totp }),
    });
    if (r.status === 200) this.csrf = (r.body as { csrfToken: string }).csrfToken;
    return r;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  forgetCookies(): void {
    this.cookies.clear();
    this.csrf = undefined;
  }
}
