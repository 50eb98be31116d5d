/*
 * ristretto255 (RFC 9496) in C for the verifier: field arithmetic mod 2^255 - 19, point arithmetic on
 * the twisted Edwards curve behind it, the RFC 9496 §4.3 encoding and decoding, and multi-scalar
 * multiplication (Straus for few points, Pippenger's bucket method for many).
 *
 * VARIABLE-TIME ON PURPOSE: every routine here branches and indexes memory on its inputs. It is
 * meant for public data only (ballots, proofs, keys being verified). Secret scalars never reach it:
 * the TypeScript wrapper sends those to libsodium.
 */
#ifndef OPENDEG_RISTRETTO255_H
#define OPENDEG_RISTRETTO255_H

#include <stddef.h>
#include <stdint.h>

/** A field element mod p = 2^255 - 19 in radix 2^51: value = Σ v[i]·2^(51·i). */
typedef struct {
  uint64_t v[5];
} fe;

/** A point in extended twisted Edwards coordinates: x = X/Z, y = Y/Z, x·y = T/Z. */
typedef struct {
  fe X, Y, Z, T;
} ge_p3;

/** RFC 9496 §4.3.1 DECODE; returns 0 and sets *p, or -1 for any non-canonical or invalid encoding. */
int rist_decode(ge_p3 *p, const uint8_t s[32]);

/** RFC 9496 §4.3.2 ENCODE. */
void rist_encode(uint8_t s[32], const ge_p3 *p);

/** RFC 9496 §4.5 equality (equal as ristretto255 elements, whatever the representatives). */
int rist_equal(const ge_p3 *a, const ge_p3 *b);

void ge_identity(ge_p3 *p);
void ge_add(ge_p3 *r, const ge_p3 *a, const ge_p3 *b);
void ge_sub(ge_p3 *r, const ge_p3 *a, const ge_p3 *b);
void ge_double(ge_p3 *r, const ge_p3 *a);
void ge_negate(ge_p3 *r, const ge_p3 *a);

/**
 * r = Σ scalars[i]·points[i] for 32-byte little-endian scalars below 2^253 (callers pass them
 * reduced mod ℓ). Returns 0, or -1 if memory could not be allocated. Variable-time.
 */
int ge_msm(ge_p3 *r, const ge_p3 *points, const uint8_t *scalars, size_t n);

/** Decodes and re-encodes the RFC 9496 generator: 0 if the arithmetic works, -1 otherwise. */
int rist_self_check(void);

#endif
