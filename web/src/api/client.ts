// The console's only way to the API: same-origin JSON, the CSRF token echoed on writes, errors as ApiError.

/** Any refusal or failure, shaped like the server's {"error": {code, message}} whatever actually happened. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";
type Query = Record<string, string | number | boolean | undefined>;

let csrfToken: string | undefined;
let onUnauthenticated: () => void = () => {};

/** Kept from POST /auth/login and GET /auth/me; sent as X-CSRF-Token on every write. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called on any 401 except from the sign-in calls themselves (there a 401 is the answer, e.g. mfa-required). */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s === "" ? path : `${path}?${s}`;
}

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as {
      error?: { code?: string; message?: string; details?: unknown };
    };
    if (body.error?.code)
      return new ApiError(response.status, body.error.code, body.error.message ?? "", body.error.details);
  } catch {
    // Not JSON (a proxy's error page): fall through to a generic error.
  }
  return new ApiError(
    response.status,
    "http-error",
    `The server answered ${response.status} ${response.statusText}`,
  );
}

/** Sends one request to /api/v1 + path; resolves with the parsed JSON (undefined for 204). */
export async function request<T>(method: Method, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(`/api/v1${path}`, query), {
      method,
      headers,
      credentials: "same-origin",
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new ApiError(0, "network", `Cannot reach the server: ${(e as Error).message}`);
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && !path.startsWith("/auth/")) onUnauthenticated();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path, undefined, query),
  post: <T>(path: string, body: unknown = {}) => request<T>("POST", path, body),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, body),
  delete: <T>(path: string) => request<T>("DELETE", path),
};
