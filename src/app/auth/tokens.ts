// API tokens for CI: "rmp_<id>_<secret>", shown once, stored as a hash, scoped, expiring and revocable.

import { AuditLog, type Clock } from "../audit.js";
import { isPermission, permissionsOf, type Permission } from "../roles.js";
import type { Store, TokenRecord } from "../store.js";
import type { AuthConfig } from "./config.js";
import { randomSecret, sameHash, sha256Hex } from "./secrets.js";
import { fail, toPublicUser, type Actor, type Failure, type PublicUser } from "./types.js";

export interface NewTokenInput {
  readonly userId: number;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly expiresInDays: number;
}

export type TokenFailureCode =
  | "unknown-user"
  | "user-disabled"
  | "invalid-name"
  | "invalid-scope"
  | "scope-not-allowed"
  | "invalid-expiry"
  | "unknown-token";

export type CreateTokenResult =
  { readonly ok: true; readonly token: string; readonly record: TokenView } | Failure<TokenFailureCode>;

/** A token as listed: never its hash. */
export type TokenView = Omit<TokenRecord, "tokenHash">;

export type TokenCheck =
  | {
      readonly ok: true;
      readonly user: PublicUser;
      readonly token: TokenView;
      /** The scopes the owner's current role still grants: a demoted owner's token shrinks with them. */
      readonly permissions: readonly Permission[];
    }
  | { readonly ok: false; readonly reason: "unknown" | "expired" | "revoked" | "disabled" };

const TOKEN_SHAPE = /^rmp_([1-9][0-9]{0,15})_([A-Za-z0-9_-]{43})$/;
const USE_MARK_MS = 60_000;

export class TokenService {
  private readonly audit: AuditLog;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: AuthConfig,
  ) {
    this.audit = new AuditLog(store, clock);
  }

  async create(actor: Actor, input: NewTokenInput): Promise<CreateTokenResult> {
    const user = await this.store.users.byId(input.userId);
    if (!user) return fail("unknown-user", `Cannot create a token: no user #${input.userId}`);
    if (user.disabled) return fail("user-disabled", `Cannot create a token: "${user.username}" is disabled`);
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100 || /\p{Cc}/u.test(name))
      return fail("invalid-name", "Token name must have 1 to 100 printable characters");
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0) return fail("invalid-scope", "A token needs at least one scope");
    const unknown = scopes.find((s) => !isPermission(s));
    if (unknown !== undefined) return fail("invalid-scope", `Unknown scope "${unknown}"`);
    const granted = permissionsOf(user.role) as readonly string[];
    const beyond = scopes.find((s) => !granted.includes(s));
    if (beyond !== undefined)
      return fail("scope-not-allowed", `Scope "${beyond}" is beyond what role "${user.role}" may do`);
    const days = input.expiresInDays;
    if (!Number.isInteger(days) || days < 1 || days > this.config.tokenMaxDays)
      return fail("invalid-expiry", `Token expiry must be 1 to ${this.config.tokenMaxDays} days`);
    const now = this.clock.now();
    const secret = randomSecret();
    const record = await this.store.transaction(async (tx) => {
      const r = await tx.tokens.create({
        userId: user.id,
        name,
        tokenHash: sha256Hex(secret),
        scopes,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + days * 86_400_000).toISOString(),
      });
      await this.audit.within(tx).record({
        actor: actor.name,
        action: "token.create",
        target: `token:${r.id}`,
        clientAddress: actor.clientAddress,
        detail: { owner: user.username, name, scopes, expiresAt: r.expiresAt },
      });
      return r;
    });
    return { ok: true, token: `rmp_${record.id}_${secret}`, record: view(record) };
  }

  /** The user and token a bearer value stands for; the hash is compared in constant time. */
  async authenticate(bearer: string): Promise<TokenCheck> {
    const m = TOKEN_SHAPE.exec(bearer.trim());
    if (!m) return { ok: false, reason: "unknown" };
    const token = await this.store.tokens.byId(Number(m[1]));
    if (!token || !sameHash(token.tokenHash, sha256Hex(m[2] ?? ""))) return { ok: false, reason: "unknown" };
    if (token.revoked) return { ok: false, reason: "revoked" };
    const now = this.clock.now();
    if (now.getTime() >= Date.parse(token.expiresAt)) return { ok: false, reason: "expired" };
    const user = await this.store.users.byId(token.userId);
    if (!user || user.disabled) return { ok: false, reason: "disabled" };
    let current = token;
    if (!token.lastUsedAt || now.getTime() - Date.parse(token.lastUsedAt) >= USE_MARK_MS) {
      await this.store.tokens.markUsed(token.id, now.toISOString());
      current = { ...token, lastUsedAt: now.toISOString() };
    }
    const granted = permissionsOf(user.role);
    const permissions = granted.filter((p) => token.scopes.includes(p));
    return { ok: true, user: toPublicUser(user), token: view(current), permissions };
  }

  async revoke(actor: Actor, tokenId: number): Promise<{ ok: true } | Failure<"unknown-token">> {
    const token = await this.store.tokens.byId(tokenId);
    if (!token) return fail("unknown-token", `Cannot revoke: no token #${tokenId}`);
    await this.store.transaction(async (tx) => {
      await tx.tokens.revoke(token.id);
      await this.audit.within(tx).record({
        actor: actor.name,
        action: "token.revoke",
        target: `token:${token.id}`,
        clientAddress: actor.clientAddress,
        detail: { name: token.name },
      });
    });
    return { ok: true };
  }

  /** One user's tokens, or everyone's. */
  async list(userId?: number): Promise<TokenView[]> {
    const all =
      userId === undefined ? await this.store.tokens.list() : await this.store.tokens.listForUser(userId);
    return all.map(view);
  }
}

function view(t: TokenRecord): TokenView {
  const { tokenHash: _hidden, ...rest } = t;
  return rest;
}
