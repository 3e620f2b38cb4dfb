// Vite builds the dashboard into dist/, which the gateway serves at / (no CDN at run time).
import { defineConfig } from "vite";

export default defineConfig({
  // Preact's automatic JSX runtime; no React, no compat layer.
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Under the strict CSP every script and style is a file from 'self'; nothing is inlined.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: "es2022",
    // Three apps, one build: the dashboard at /, the staff app at /staff/, the guest app at
    // /guest/. They share the API client, the socket and i18n as common chunks.
    rollupOptions: {
      input: {
        dashboard: new URL("index.html", import.meta.url).pathname,
        staff: new URL("staff/index.html", import.meta.url).pathname,
        guest: new URL("guest/index.html", import.meta.url).pathname,
      },
    },
  },
  server: {
    // `npm run dev` proxies the API and the socket to a running `make up` gateway.
    proxy: {
      "/api": "http://localhost:8080",
      "/socket.io": { target: "http://localhost:8080", ws: true },
    },
  },
});
