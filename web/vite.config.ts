// Vite builds the dashboard into dist/, which the gateway serves at / (no CDN at run time).
/// <reference types="node" />
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type Plugin } from "vite";

/** Names the staff app's shell cache after this build's files, so a phone's service worker
 * changes whenever the app does and drops the old build's cached assets. */
function staffShellVersion(): Plugin {
  let files: string[] = [];
  let outDir = "dist";
  return {
    name: "staff-shell-version",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    generateBundle(_options, bundle) {
      files = Object.keys(bundle).sort();
    },
    closeBundle() {
      const worker = join(outDir, "staff", "sw.js");
      const source = readFileSync(worker, "utf8");
      const version = createHash("sha256").update(files.join("\n")).digest("hex").slice(0, 12);
      const built = source.replace('"staff-shell-dev"', `"staff-shell-${version}"`);
      if (built === source) throw new Error(`${worker}: the shell cache name to version is missing`);
      writeFileSync(worker, built);
    },
  };
}

export default defineConfig({
  plugins: [staffShellVersion()],
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
