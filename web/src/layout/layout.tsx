// The frame around every signed-in page: the sidebar (a menu button on narrow screens), who is signed in, log out.

import { useEffect, useState, type ReactNode } from "react";
import { NavLink, useLocation } from "react-router";
import { useSession } from "../session.js";
import { NAV } from "./nav.js";

function Sidebar({ open }: { open: boolean }) {
  const { can } = useSession();
  return (
    <nav id="sidebar" className={open ? "sidebar open" : "sidebar"} aria-label="Main">
      {NAV.map((section) => (
        <div key={section.title} className="nav-section">
          <h2>{section.title}</h2>
          <ul>
            {section.items
              .filter((item) => !item.needs || can(item.needs))
              .map((item) => (
                <li key={item.label}>
                  {item.to ? (
                    <NavLink to={item.to} end={item.to === "/"}>
                      {item.label}
                    </NavLink>
                  ) : (
                    <span className="nav-later" aria-disabled="true" title="Coming later">
                      {item.label} <small>coming later</small>
                    </span>
                  )}
                </li>
              ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

function UserBox() {
  const { me, logOut } = useSession();
  if (!me) return null;
  return (
    <div className="user-box">
      <span>
        <strong>{me.user.username}</strong> <span className="badge">{me.user.role}</span>
      </span>
      <button type="button" onClick={() => void logOut()}>
        Log out
      </button>
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setOpen(false), [location.pathname]);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="menu-button"
          aria-expanded={open}
          aria-controls="sidebar"
          onClick={() => setOpen((o) => !o)}
        >
          Menu
        </button>
        <span className="brand">Rampart</span>
        <UserBox />
      </header>
      <Sidebar open={open} />
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
