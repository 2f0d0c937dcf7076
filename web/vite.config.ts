// Builds the web UI into web/dist (served by `slipway server` at /). `npm run dev:web` serves it
// with hot reload and forwards /api to a server at SLIPWAY_URL (default http://127.0.0.1:8080).
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: process.env.SLIPWAY_WEB_OUT ?? resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': { target: process.env.SLIPWAY_URL ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
