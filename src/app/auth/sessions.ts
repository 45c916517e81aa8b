// Sign-in sessions: a random cookie value whose hash is stored, with idle and absolute timeouts.

import type { AuditLog, Clock } from "../audit.js";
import type { SessionRecord, Store } from "../store.js";
import type { AuthConfig } from "./config.js";
import { isSecretShaped, randomSecret, sha256Hex } from "./secrets.js";
import { toPublicUser, type Actor, type Client, type PublicUser } from "./types.js";

export interface NewSession {
  /** The cookie value: shown to the client once, never stored. */
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly session: SessionRecord;
}

export type SessionCheck =
  | { readonly ok: true; readonly user: PublicUser; readonly session: SessionRecord }
  | { readonly ok: false; readonly reason: "unknown" | "expired" | "idle" | "disabled" };

export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: AuthConfig,
  ) {}

  /** A new session (a new id at every sign-in, so an id planted before sign-in is worth nothing). */
  async create(
    store: Store,
    userId: number,
    stage: "password" | "full",
    client: Client,
  ): Promise<NewSession> {
    const now = this.clock.now();
    const sessionId = randomSecret();
    const session: SessionRecord = {
      idHash: sha256Hex(sessionId),
      userId,
      csrfToken: randomSecret(),
      stage,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.config.sessionAbsoluteSeconds * 1000).toISOString(),
      clientAddress: client.address,
      userAgent: client.userAgent.slice(0, 512),
    };
    await store.sessions.create(session);
    return { sessionId, csrfToken: session.csrfToken, session };
  }

  /** The user and session a cookie value stands for; a dead session is deleted on the way. */
  async authenticate(cookieValue: string): Promise<SessionCheck> {
    if (!isSecretShaped(cookieValue)) return { ok: false, reason: "unknown" };
    const idHash = sha256Hex(cookieValue);
    const session = await this.store.sessions.get(idHash);
    if (!session) return { ok: false, reason: "unknown" };
    const now = this.clock.now().getTime();
    const idleFor = now - Date.parse(session.lastSeenAt);
    const reason =
      now >= Date.parse(session.expiresAt)
        ? "expired"
        : idleFor >= this.config.sessionIdleSeconds * 1000
          ? "idle"
          : undefined;
    const user = reason ? undefined : await this.store.users.byId(session.userId);
    if (reason || !user || user.disabled) {
      await this.store.sessions.delete(idHash);
      return { ok: false, reason: reason ?? "disabled" };
    }
    let current = session;
    if (idleFor >= this.config.sessionTouchSeconds * 1000) {
      const lastSeenAt = new Date(now).toISOString();
      await this.store.sessions.touch(idHash, lastSeenAt);
      current = { ...session, lastSeenAt };
    }
    return { ok: true, user: toPublicUser(user), session: current };
  }

  /** Deletes sessions past either timeout (a periodic sweep; `authenticate` refuses them anyway). */
  purgeExpired(): Promise<number> {
    const now = this.clock.now().getTime();
    const idleBefore = new Date(now - this.config.sessionIdleSeconds * 1000).toISOString();
    return this.store.sessions.deleteExpired(new Date(now).toISOString(), idleBefore);
  }

  async logout(audit: AuditLog, actor: Actor, cookieValue: string): Promise<void> {
    if (!isSecretShaped(cookieValue)) return;
    await this.store.sessions.delete(sha256Hex(cookieValue));
    await audit.record({ actor: actor.name, action: "auth.logout", clientAddress: actor.clientAddress });
  }

  /** Ends every session of the user; returns how many there were. */
  async logoutEverywhere(audit: AuditLog, actor: Actor, userId: number): Promise<number> {
    const user = await this.store.users.byId(userId);
    const ended = await this.store.sessions.deleteForUser(userId);
    await audit.record({
      actor: actor.name,
      action: "auth.logout-everywhere",
      target: user ? `user:${user.username}` : `user#${userId}`,
      clientAddress: actor.clientAddress,
      detail: { sessions: ended },
    });
    return ended;
  }
}
