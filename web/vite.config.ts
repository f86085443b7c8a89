// Vite builds the app into dist/, which `celeste serve` serves at / (docs/api.md, "The web
// app at /"). `npm run dev` proxies the API to a server on :8080 (make run).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, emptyOutDir: true },
  server: {
    proxy: { "/v1": "http://127.0.0.1:8080", "/health": "http://127.0.0.1:8080" },
  },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    // The suite runs beside the server's tests on shared 2-core machines: a slow moment is
    // not a failure (timing belongs in bench/, not in tests).
    testTimeout: 30_000,
  },
});
