/**
 * @opendeg/deg/node — the Node-only helpers (files on a medium, key files on disk). Kept apart from
 * the package index so browser bundles never load `node:fs`.
 */

export * from './bundle-node.ts';
export * from './signatures/key-file-node.ts';
