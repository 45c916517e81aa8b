// The identity and access services wired together over one store, clock and configuration.

import { systemClock, type Clock } from "../audit.js";
import type { Store } from "../store.js";
import { AuthService } from "./auth-service.js";
import { DEFAULT_AUTH_CONFIG, type AuthConfig } from "./config.js";
import { TokenService } from "./tokens.js";
import { UserService } from "./users-service.js";

export interface Identity {
  readonly auth: AuthService;
  readonly users: UserService;
  readonly tokens: TokenService;
  readonly config: AuthConfig;
}

export function createIdentity(store: Store, options: { clock?: Clock; config?: AuthConfig } = {}): Identity {
  const clock = options.clock ?? systemClock;
  const config = options.config ?? DEFAULT_AUTH_CONFIG;
  return {
    auth: new AuthService(store, clock, config),
    users: new UserService(store, clock, config),
    tokens: new TokenService(store, clock, config),
    config,
  };
}
