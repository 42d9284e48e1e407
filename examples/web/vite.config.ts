import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// npm run dev proxies /query to a parley serve on :8080 (PARLEY_URL to
// change it), so the page and the API share an origin and need no CORS.
const api = process.env.PARLEY_URL || 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/query': { target: api, ws: true } } },
  build: { outDir: 'dist', sourcemap: false },
});
