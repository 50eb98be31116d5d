// Vite build of the web front end (issue 7). The packages it bundles (@opendeg/crypto and
// @opendeg/election) are browser code, but @opendeg/election's index also re-exports its Node-only
// parts (record files on disk, the Belenios archive and channel); the voting path never calls them,
// so the Node built-ins they import resolve to a stub that throws if anything ever does. The same
// for libsodium: the browser uses the noble backend, and libsodium's glue would double the bundle.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const NODE_STUB = fileURLToPath(new URL('./src/node-stub.ts', import.meta.url));
const LIBSODIUM_STUB = fileURLToPath(new URL('./src/libsodium-stub.ts', import.meta.url));

/**
 * The key-part file (scrypt) is opened only at the commission's workstation (holder-shares.ts
 * imports it by path). @opendeg/crypto's index re-exports it, and a module with side effects keeps
 * its import in the chunk the voting page shares with the workstation; it has none, so saying so
 * lets the voting bundle drop it.
 */
function keyPartFileApart(): Plugin {
  return {
    name: 'opendeg-key-part-file-apart',
    transform(_code, id) {
      return id.endsWith('/packages/crypto/src/key-part-file.ts') ? { moduleSideEffects: false } : null;
    },
  };
}

function browserStubs(): Plugin {
  return {
    name: 'opendeg-browser-stubs',
    enforce: 'pre',
    resolveId(source) {
      if (source === 'libsodium-wrappers-sumo') return LIBSODIUM_STUB;
      return source.startsWith('node:') ? NODE_STUB : null;
    },
  };
}

const API = process.env.OPENDEG_API ?? 'http://127.0.0.1:3000';
const proxied = ['/api', '/auth', '/esia', '/dev', '/log', '/health'];

// Vite needs its config as the default export (the one default export of this app).
export default defineConfig({
  plugins: [browserStubs(), keyPartFileApart(), react()],
  build: {
    target: 'es2022',
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: API, changeOrigin: false }])),
  },
});
