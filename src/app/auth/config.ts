// The identity and access numbers in one place: hashing cost, lockout, session and token lifetimes.

/** argon2id parameters; OWASP's minimum by default, cheaper in tests. */
export interface Argon2Params {
  /** KiB of memory per hash. */
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export interface ThrottleConfig {
  /** Failures per account within the window that lock the account. */
  readonly accountFailures: number;
  /** Failures from one client address within the window that throttle the address. */
  readonly addressFailures: number;
  readonly windowSeconds: number;
  readonly lockSeconds: number;
}

export interface AuthConfig {
  readonly argon2: Argon2Params;
  readonly throttle: ThrottleConfig;
  readonly sessionIdleSeconds: number;
  readonly sessionAbsoluteSeconds: number;
  /** lastSeenAt is written at most this often, to save a write per request. */
  readonly sessionTouchSeconds: number;
  readonly tokenMaxDays: number;
}

export const DEFAULT_AUTH_CONFIG: AuthConfig = {
  argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
  throttle: { accountFailures: 5, addressFailures: 20, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
  sessionIdleSeconds: 30 * 60,
  sessionAbsoluteSeconds: 12 * 60 * 60,
  sessionTouchSeconds: 60,
  tokenMaxDays: 365,
};

/** The defaults with some values replaced (one level deep for the nested groups). */
export function authConfig(
  change: Partial<Omit<AuthConfig, "argon2" | "throttle">> & {
    argon2?: Partial<Argon2Params>;
    throttle?: Partial<ThrottleConfig>;
  } = {},
): AuthConfig {
  return {
    ...DEFAULT_AUTH_CONFIG,
    ...change,
    argon2: { ...DEFAULT_AUTH_CONFIG.argon2, ...change.argon2 },
    throttle: { ...DEFAULT_AUTH_CONFIG.throttle, ...change.throttle },
  };
}
