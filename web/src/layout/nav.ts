// The sidebar's sections: today's pages, and the areas later issues add (shown, disabled, so the design has room).

import type { Permission } from "../api/types.js";

export interface NavItem {
  label: string;
  /** Absent for areas that come later. */
  to?: string;
  /** Hidden from users without it (the server refuses them anyway). */
  needs?: Permission;
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

export const NAV: NavSection[] = [
  { title: "Overview", items: [{ label: "Dashboard", to: "/" }] },
  {
    title: "Policy",
    items: [
      { label: "Matrix", to: "/matrix" },
      { label: "Map", to: "/map" },
      { label: "Query", to: "/query" },
      { label: "Findings", to: "/findings" },
    ],
  },
  {
    title: "Change",
    items: [
      { label: "Access requests", to: "/requests" },
      { label: "Policy versions", to: "/versions" },
      { label: "Enforcement points", to: "/points" },
    ],
  },
  { title: "Operations", items: [{ label: "Traffic" }, { label: "Risk" }, { label: "Incidents" }] },
  {
    title: "Admin",
    items: [
      { label: "Audit log", to: "/audit", needs: "audit:read" },
      { label: "Users", to: "/admin/users", needs: "user:admin" },
      { label: "Tokens", to: "/admin/tokens" },
    ],
  },
];
