// Sign-ins started at the identity provider and not yet back: state, nonce and PKCE verifier, kept server-side
// for ten minutes at most, each usable once and only by the browser that started it.

import type { Clock } from "../audit.js";
import { randomSecret, sameHash, sha256Hex } from "./secrets.js";

export interface PendingFlow {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** SHA-256 of the value in the browser's flow cookie: a callback from another browser is refused. */
  readonly bindingHash: string;
  readonly startedAt: number;
}

export interface StartedFlow {
  readonly flow: PendingFlow;
  /** The flow cookie's value, given to the browser that started the sign-in. */
  readonly binding: string;
}

export interface OidcFlowOptions {
  readonly ttlSeconds?: number;
  /** Flows kept at most; the oldest is dropped first, so that anonymous starts cannot fill the memory. */
  readonly maxFlows?: number;
}

export class OidcFlows {
  private readonly flows = new Map<string, PendingFlow>();
  private readonly ttlMs: number;
  private readonly maxFlows: number;

  constructor(
    private readonly clock: Clock,
    options: OidcFlowOptions = {},
  ) {
    this.ttlMs = (options.ttlSeconds ?? 600) * 1000;
    this.maxFlows = options.maxFlows ?? 10_000;
  }

  begin(): StartedFlow {
    const now = this.clock.now().getTime();
    this.sweep(now);
    while (this.flows.size >= this.maxFlows) {
      const oldest = this.flows.keys().next().value;
      if (oldest === undefined) break;
      this.flows.delete(oldest);
    }
    const binding = randomSecret();
    const flow: PendingFlow = {
      state: randomSecret(),
      nonce: randomSecret(),
      codeVerifier: randomSecret(),
      bindingHash: sha256Hex(binding),
      startedAt: now,
    };
    this.flows.set(flow.state, flow);
    return { flow, binding };
  }

  /** The flow for this state if it is fresh and the binding matches; it is spent either way. */
  take(state: string, binding: string | undefined): PendingFlow | undefined {
    const flow = this.flows.get(state);
    if (!flow) return undefined;
    this.flows.delete(state);
    if (this.clock.now().getTime() - flow.startedAt >= this.ttlMs) return undefined;
    if (binding === undefined || !sameHash(sha256Hex(binding), flow.bindingHash)) return undefined;
    return flow;
  }

  get size(): number {
    return this.flows.size;
  }

  /** Map order is start order, so the expired ones are at the front. */
  private sweep(now: number): void {
    for (const [state, flow] of this.flows) {
      if (now - flow.startedAt < this.ttlMs) break;
      this.flows.delete(state);
    }
  }
}
