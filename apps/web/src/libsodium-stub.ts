// Stands in for libsodium-wrappers-sumo in the browser build (vite.config.ts): @opendeg/crypto's
// index imports its libsodium backend statically, which would put half a megabyte of WebAssembly
// glue into the voting bundle. The browser always opens the election with the noble backend; if
// anything asked for libsodium here, loading it fails and says why.
const sodium = {
  get ready(): Promise<never> {
    return Promise.reject(new Error('libsodium is not bundled in the browser; use the noble backend'));
  },
};
export { sodium as default };
