/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath, URL } from "node:url";

// `npm run dev` serves on :5173 and forwards /api to a running platform (VIGIL_API, default :8080).
const api = process.env.VIGIL_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  server: { proxy: { "/api": { target: api, changeOrigin: false } } },
  build: {
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // Big, rarely-changing libraries get their own long-cached chunks.
        manualChunks: {
          echarts: ["echarts", "echarts-for-react"],
          codemirror: ["@uiw/react-codemirror", "@codemirror/lang-sql"],
          react: ["react", "react-dom", "react-router-dom"],
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
  },
});
