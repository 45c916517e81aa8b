// The net layer: addresses, prefixes and protocols. Imports nothing.
export * from "./address.js";
export * from "./prefix.js";
export * from "./protocol.js";
