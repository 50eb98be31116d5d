/**
 * What a group may offer beyond `Group` for the verifier's hot paths (issue 4). The native backend
 * (`@opendeg/ristretto-native`, server only) has them; the pure backends do not, and every caller
 * keeps a portable path for them, so this package still runs in the browser. They are found by
 * name on the group object, since this package never imports the native one.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import type { Group } from '@opendeg/crypto';

export interface GroupAccelerations<E> {
  /**
   * Decodes n packed encodings (identity allowed) in one call: the elements, or the index of the
   * first non-canonical encoding.
   */
  readonly decodeElementsPacked?: (packed: Uint8Array, n: number) => E[] | number;
  /** SHA-256 in native code. */
  readonly sha256?: (bytes: Uint8Array) => Uint8Array;
}

export function accelerationsOf<E>(g: Group<E>): GroupAccelerations<E> {
  return g as Partial<GroupAccelerations<E>>;
}

/** SHA-256 with the group's native code when it has one (the same digest either way). */
export function sha256With<E>(g: Group<E>, bytes: Uint8Array): Uint8Array {
  const native = accelerationsOf(g).sha256;
  return native === undefined ? sha256(bytes) : native(bytes);
}
