// Builds the dashboard's single-page app into dist/web, which the dashboard server (src/dashboard) serves as static
// files: nothing is fetched from a CDN and nothing is built at run time.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const webDir = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: webDir,
  base: './',
  plugins: [react()],
  build: {
    outDir: path.resolve(webDir, '..', 'dist', 'web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npx vite --config web/vite.config.ts` for UI work against a dashboard running on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
