// Stands in for the Node built-ins (node:crypto, node:fs/promises, node:path) that Node-only parts of
// @opendeg/election import at module level (vite.config.ts). The voting path never calls them; if
// anything ever did, it fails loudly instead of doing something else.
function unavailable(name: string): never {
  throw new Error(`${name} is not available in the browser`);
}

export const createHash = (): never => unavailable('node:crypto createHash');
export const pbkdf2Sync = (): never => unavailable('node:crypto pbkdf2Sync');
export const createCipheriv = (): never => unavailable('node:crypto createCipheriv');
export const createDecipheriv = (): never => unavailable('node:crypto createDecipheriv');
export const randomBytes = (): never => unavailable('node:crypto randomBytes');
export const mkdir = (): never => unavailable('node:fs/promises mkdir');
export const readFile = (): never => unavailable('node:fs/promises readFile');
export const writeFile = (): never => unavailable('node:fs/promises writeFile');
export const join = (): never => unavailable('node:path join');
export const resolve = (): never => unavailable('node:path resolve');
export const dirname = (): never => unavailable('node:path dirname');

const path = { join, resolve, dirname };
export { path as default };
