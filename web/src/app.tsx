// The routes: one lazily loaded chunk per page, every page but the sign-in behind the session and the layout.

import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { Loading } from "./components/states.js";
import { Layout } from "./layout/layout.js";
import { SessionProvider, useSession } from "./session.js";

const Login = lazy(() => import("./pages/login.js"));

/** path → page; each import() is its own chunk, so the first load carries only the shell and one page. */
const PAGES: [string, LazyExoticComponent<ComponentType>][] = [
  ["/", lazy(() => import("./pages/dashboard.js"))],
  ["/matrix", lazy(() => import("./pages/matrix.js"))],
  ["/map", lazy(() => import("./pages/map.js"))],
  ["/query", lazy(() => import("./pages/query.js"))],
  ["/findings", lazy(() => import("./pages/findings.js"))],
  ["/requests", lazy(() => import("./pages/requests.js"))],
  ["/versions", lazy(() => import("./pages/versions.js"))],
  ["/points", lazy(() => import("./pages/points.js"))],
  ["/audit", lazy(() => import("./pages/audit.js"))],
  ["/admin/users", lazy(() => import("./pages/admin-users.js"))],
  ["/admin/tokens", lazy(() => import("./pages/admin-tokens.js"))],
  ["*", lazy(() => import("./pages/not-found.js"))],
];

/** Signed-in pages: waits for GET /auth/me, sends everyone else (and half-enrolled users) to the sign-in page. */
function SignedIn() {
  const { me } = useSession();
  const location = useLocation();
  if (me === undefined) return <Loading label="Checking your session…" />;
  if (me === null || me.stage === "password")
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return (
    <Layout>
      <Suspense fallback={<Loading />}>
        <Routes>
          {PAGES.map(([path, Page]) => (
            <Route key={path} path={path} element={<Page />} />
          ))}
        </Routes>
      </Suspense>
    </Layout>
  );
}

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/login" element={<Login />} />
            <Route path="*" element={<SignedIn />} />
          </Routes>
        </Suspense>
      </BrowserRouter>
    </SessionProvider>
  );
}
