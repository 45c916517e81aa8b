// WebAuthn (security keys and passkeys) as an optional second factor: registration and sign-in together.

import type { Clock } from "../audit.js";
import type { Store } from "../store.js";
import type { AuthConfig } from "./config.js";
import { WebAuthnLogin } from "./webauthn-login.js";
import { WebAuthnRegistration } from "./webauthn-registration.js";
import type { WebAuthnSettings } from "./webauthn-settings.js";

export interface WebAuthn {
  readonly registration: WebAuthnRegistration;
  readonly login: WebAuthnLogin;
  readonly settings: WebAuthnSettings;
}

export function createWebAuthn(
  store: Store,
  clock: Clock,
  config: AuthConfig,
  settings: WebAuthnSettings,
): WebAuthn {
  return {
    registration: new WebAuthnRegistration(store, clock, settings),
    login: new WebAuthnLogin(store, clock, config, settings),
    settings,
  };
}
