// Who is signed in: loaded once from GET /auth/me, set by the sign-in page, cleared by logging out or a 401.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, setCsrfToken, setUnauthenticatedHandler } from "./api/client.js";
import type { Me, Permission } from "./api/types.js";

interface Session {
  /** undefined while the first GET /auth/me is on its way; null when nobody is signed in. */
  me: Me | null | undefined;
  signedIn(me: Me): void;
  logOut(): Promise<void>;
  can(permission: Permission): boolean;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const signedIn = useCallback((m: Me) => {
    setCsrfToken(m.csrfToken);
    setMe(m);
  }, []);
  const signedOut = useCallback(() => {
    setCsrfToken(undefined);
    setMe(null);
  }, []);
  useEffect(() => {
    setUnauthenticatedHandler(signedOut);
    api.get<Me>("/auth/me").then(signedIn, signedOut);
  }, [signedIn, signedOut]);
  const logOut = useCallback(async () => {
    try {
      await api.post("/auth/logout");
    } finally {
      signedOut();
    }
  }, [signedOut]);
  const value = useMemo<Session>(
    () => ({ me, signedIn, logOut, can: (p) => me?.permissions.includes(p) ?? false }),
    [me, signedIn, logOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession needs a SessionProvider above it");
  return s;
}
