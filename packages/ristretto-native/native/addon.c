/*
 * Node-API binding of the native ristretto255 (RFC 9496) verifier arithmetic (ristretto255.c).
 *
 * Points cross the JavaScript boundary packed in Uint8Arrays, a whole batch in one call. A "slot" is
 * 192 bytes: the canonical 32-byte encoding, then the decoded point (X, Y, Z, T as 20 native-endian
 * 64-bit limbs) so that a point decoded once is never decoded again:
 *   decode(points)               → -1 if every packed 32-byte encoding is valid, else the first bad index
 *   decodeInto(slot)             → true and the point written after the encoding, or false if invalid
 *   decodePacked(packed, slots)  → -1 when each of the n packed 32-byte encodings is valid, each then
 *                                  written with its decoded point into slot i of `slots` (n × 192
 *                                  bytes), else the index of the first invalid one (the slots are
 *                                  then not to be used): a ballot's points in one call
 *   msm(slots, flags, scalars)   → Σ ±kᵢ·Pᵢ as a new slot, or the index of the first bad point; flags[i]
 *                                  has bit 0 set when slot i carries its decoded point (else it is
 *                                  decoded here) and bit 1 when the point enters negated (so that a
 *                                  scalar −k mod ℓ with small k costs as little as k)
 * Scalars are 32-byte little-endian and must be below 2^253 (the wrapper reduces them mod ℓ).
 * Length and scalar errors are bugs of the caller and throw TypeError / RangeError. The decoded
 * point in a slot is trusted: only the wrapper, which got it from decodeInto or msm, sets bit 0.
 *
 * Variable-time: public data only (see ristretto255.h).
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

#include "ristretto255.h"

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) return NULL;                                                            \
  } while (0)

/* The bytes of a Uint8Array argument, or NULL after throwing a TypeError. */
static const uint8_t *bytes_arg(napi_env env, napi_value v, size_t *len, const char *what) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  napi_typedarray_type type;
  void *data = NULL;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(env, v, &type, len, &data, &buffer, &offset) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  static const uint8_t empty[1] = {0};
  return data == NULL ? empty : (const uint8_t *)data;
}

static napi_value new_bytes(napi_env env, const uint8_t *src, size_t len) {
  napi_value ab, out;
  void *data = NULL;
  CHECK(napi_create_arraybuffer(env, len, &data, &ab));
  memcpy(data, src, len);
  CHECK(napi_create_typedarray(env, napi_uint8_array, len, ab, 0, &out));
  return out;
}

static napi_value new_int(napi_env env, int64_t x) {
  napi_value out;
  CHECK(napi_create_int64(env, x, &out));
  return out;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return -1;
  if (argc < want) {
    napi_throw_type_error(env, NULL, "ristretto255: missing argument");
    return -1;
  }
  return 0;
}

/* Decodes n packed points; returns -1 or the index of the first invalid one. */
static napi_value js_decode(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv) != 0) return NULL;
  size_t len;
  const uint8_t *p = bytes_arg(env, argv[0], &len, "decode: points must be a Uint8Array");
  if (p == NULL) return NULL;
  if (len % 32 != 0) {
    napi_throw_range_error(env, NULL, "decode: length is not a multiple of 32");
    return NULL;
  }
  ge_p3 tmp;
  for (size_t i = 0; i < len / 32; i++) {
    if (rist_decode(&tmp, p + 32 * i) != 0) return new_int(env, (int64_t)i);
  }
  return new_int(env, -1);
}

/* The size of a slot: a canonical encoding, then the decoded point (X, Y, Z, T). */
#define SLOT 192
#define COORDS (SLOT - 32)
/* Flags of a point in msm: its slot carries the decoded point; it enters the sum negated. */
#define FLAG_KNOWN 1
#define FLAG_NEGATE 2

static napi_value js_decode_into(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv) != 0) return NULL;
  size_t len;
  uint8_t *slot = (uint8_t *)bytes_arg(env, argv[0], &len, "decodeInto: slot must be a Uint8Array");
  if (slot == NULL) return NULL;
  if (len != SLOT) {
    napi_throw_range_error(env, NULL, "decodeInto: a slot is 192 bytes");
    return NULL;
  }
  ge_p3 p;
  napi_value out;
  const int ok = rist_decode(&p, slot) == 0;
  if (ok) memcpy(slot + 32, &p, COORDS);
  CHECK(napi_get_boolean(env, ok, &out));
  return out;
}

static napi_value js_decode_packed(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (get_args(env, info, 2, argv) != 0) return NULL;
  size_t plen, slen;
  const uint8_t *p = bytes_arg(env, argv[0], &plen, "decodePacked: points must be a Uint8Array");
  if (p == NULL) return NULL;
  uint8_t *slots = (uint8_t *)bytes_arg(env, argv[1], &slen, "decodePacked: slots must be a Uint8Array");
  if (slots == NULL) return NULL;
  if (plen % 32 != 0 || slen != (plen / 32) * SLOT) {
    napi_throw_range_error(env, NULL, "decodePacked: n encodings of 32 bytes and n slots of 192 bytes");
    return NULL;
  }
  ge_p3 pt;
  for (size_t i = 0; i < plen / 32; i++) {
    if (rist_decode(&pt, p + 32 * i) != 0) return new_int(env, (int64_t)i);
    memcpy(slots + SLOT * i, p + 32 * i, 32);
    memcpy(slots + SLOT * i + 32, &pt, COORDS);
  }
  return new_int(env, -1);
}

static napi_value js_msm(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (get_args(env, info, 3, argv) != 0) return NULL;
  size_t plen, klen, slen;
  const uint8_t *p = bytes_arg(env, argv[0], &plen, "msm: slots must be a Uint8Array");
  if (p == NULL) return NULL;
  const uint8_t *known = bytes_arg(env, argv[1], &klen, "msm: flags must be a Uint8Array");
  if (known == NULL) return NULL;
  const uint8_t *s = bytes_arg(env, argv[2], &slen, "msm: scalars must be a Uint8Array");
  if (s == NULL) return NULL;
  if (plen % SLOT != 0 || plen / SLOT != klen || klen * 32 != slen) {
    napi_throw_range_error(env, NULL, "msm: n slots of 192 bytes, n flags and n scalars of 32 bytes");
    return NULL;
  }
  const size_t n = klen;
  for (size_t i = 0; i < n; i++) {
    if (s[32 * i + 31] >= 0x20) {
      napi_throw_range_error(env, NULL, "msm: scalar not below 2^253");
      return NULL;
    }
  }
  ge_p3 *points = malloc(sizeof(ge_p3) * (n == 0 ? 1 : n));
  if (points == NULL) {
    napi_throw_error(env, NULL, "msm: out of memory");
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    const uint8_t *slot = p + SLOT * i;
    if (known[i] & FLAG_KNOWN) {
      memcpy(&points[i], slot + 32, COORDS);
    } else if (rist_decode(&points[i], slot) != 0) {
      free(points);
      return new_int(env, (int64_t)i);
    }
    if (known[i] & FLAG_NEGATE) ge_negate(&points[i], &points[i]);
  }
  ge_p3 r;
  const int rc = ge_msm(&r, points, s, n);
  free(points);
  if (rc != 0) {
    napi_throw_error(env, NULL, "msm: out of memory");
    return NULL;
  }
  uint8_t out[SLOT];
  rist_encode(out, &r);
  memcpy(out + 32, &r, COORDS);
  return new_bytes(env, out, SLOT);
}

static napi_value Init(napi_env env, napi_value exports) {
  if (rist_self_check() != 0) {
    napi_throw_error(env, NULL, "ristretto255: self-check failed (the generator does not round-trip)");
    return NULL;
  }
  napi_property_descriptor props[] = {
      {"decode", NULL, js_decode, NULL, NULL, NULL, napi_enumerable, NULL},
      {"decodeInto", NULL, js_decode_into, NULL, NULL, NULL, napi_enumerable, NULL},
      {"decodePacked", NULL, js_decode_packed, NULL, NULL, NULL, napi_enumerable, NULL},
      {"msm", NULL, js_msm, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
