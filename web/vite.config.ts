// Builds the console into dist/web, where `rampart serve` finds it; the dev server proxies the API.
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  // Without the React plugin esbuild still compiles JSX; only fast refresh is lost (the page reloads instead).
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    // The server's CSP allows only same-origin files: nothing may be inlined as a data: URL.
    assetsInlineLimit: 0,
    sourcemap: true,
    rollupOptions: {
      // React Router marks its modules "use client" (for server components); meaningless in a plain SPA bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  server: {
    proxy: { "/api": process.env.RAMPART_URL ?? "http://127.0.0.1:8080" },
  },
});
