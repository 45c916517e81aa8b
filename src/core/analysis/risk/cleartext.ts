// Protocols that carry credentials or data in clear: what the risk check flags when a change opens them.

import { PROTO } from "../../net/protocol.js";

export interface CleartextService {
  readonly name: string;
  readonly proto: number;
  readonly lo: number;
  readonly hi: number;
  /** Why it matters and what to use instead, for the finding's message. */
  readonly why: string;
}

const tcp = PROTO.tcp;
const udp = PROTO.udp;

/**
 * Judged by port, so a service that can be upgraded in place (SMTP with STARTTLS, LDAP with StartTLS, SNMP v3
 * on the v1/v2c port) is flagged all the same: the network cannot tell whether the upgrade happens.
 */
export const CLEARTEXT_SERVICES: readonly CleartextService[] = [
  { name: "telnet", proto: tcp, lo: 23, hi: 23, why: "passwords and sessions in clear; use ssh" },
  { name: "ftp", proto: tcp, lo: 20, hi: 21, why: "passwords and files in clear; use sftp or ftps" },
  { name: "tftp", proto: udp, lo: 69, hi: 69, why: "no authentication at all" },
  { name: "http", proto: tcp, lo: 80, hi: 80, why: "pages, cookies and form data in clear; use https" },
  { name: "http-alt", proto: tcp, lo: 8080, hi: 8080, why: "usually plain HTTP; use https" },
  { name: "pop3", proto: tcp, lo: 110, hi: 110, why: "mail passwords in clear; use pop3s" },
  { name: "imap", proto: tcp, lo: 143, hi: 143, why: "mail passwords in clear; use imaps" },
  { name: "smtp", proto: tcp, lo: 25, hi: 25, why: "TLS is optional on port 25; prefer submission or smtps" },
  {
    name: "ldap",
    proto: tcp,
    lo: 389,
    hi: 389,
    why: "directory binds in clear unless StartTLS is enforced; use ldaps",
  },
  { name: "ldap", proto: udp, lo: 389, hi: 389, why: "connectionless LDAP is never encrypted" },
  {
    name: "snmp",
    proto: udp,
    lo: 161,
    hi: 162,
    why: "v1/v2c community strings in clear; use SNMPv3 with privacy",
  },
  {
    name: "r-services",
    proto: tcp,
    lo: 512,
    hi: 514,
    why: "rexec, rlogin and rsh trust addresses and send passwords in clear",
  },
  { name: "syslog", proto: udp, lo: 514, hi: 514, why: "logs in clear and spoofable; use syslog-tls" },
  { name: "nntp", proto: tcp, lo: 119, hi: 119, why: "news in clear; use nntps" },
  {
    name: "mqtt",
    proto: tcp,
    lo: 1883,
    hi: 1883,
    why: "device credentials and messages in clear; use mqtts",
  },
  { name: "vnc", proto: tcp, lo: 5900, hi: 5900, why: "weak or no encryption of remote sessions; tunnel it" },
  {
    name: "x11",
    proto: tcp,
    lo: 6000,
    hi: 6063,
    why: "keystrokes and screens in clear; forward it over ssh",
  },
];
