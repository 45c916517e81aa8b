// Spending a second factor typed at sign-in (a TOTP code or a recovery code), once, for every way of signing in.

import type { Store } from "../store.js";
import { acceptTotp, useRecoveryCode } from "./totp.js";

/**
 * Checks the code and spends it in one transaction, so that a code is accepted once: the TOTP step is
 * remembered, a recovery code is crossed off. Recovery codes also serve users whose only second factor is a
 * security key; a TOTP secret counts only once enrolment confirmed it. The method used, or undefined.
 */
export function spendSecondFactor(
  store: Store,
  userId: number,
  input: { readonly totp?: string; readonly recoveryCode?: string },
  now: Date,
): Promise<"totp" | "recovery-code" | undefined> {
  return store.transaction(async (tx) => {
    const user = await tx.users.byId(userId);
    if (!user) return undefined;
    const step =
      input.totp && user.totpEnabled && user.totpSecret
        ? acceptTotp(user.totpSecret, input.totp, now, user.totpLastStep)
        : undefined;
    if (step !== undefined) {
      await tx.users.update(user.id, { totpLastStep: step });
      return "totp";
    }
    const left = input.recoveryCode ? useRecoveryCode(user.recoveryCodes, input.recoveryCode) : undefined;
    if (!left) return undefined;
    await tx.users.update(user.id, { recoveryCodes: left });
    return "recovery-code";
  });
}
