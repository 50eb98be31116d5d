/*
 * ristretto255 (RFC 9496) for the verifier: see ristretto255.h. Field arithmetic in radix 2^51 with
 * unsigned __int128 products (as in curve25519-donna-64 and curve25519-dalek's u64 backend), point
 * formulas of Hisil–Wong–Carter–Dawson 2008 for a = -1 (extended coordinates, with "Niels" cached
 * forms of the added point), RFC 9496 §4.3 encoding and decoding. Variable-time: public data only.
 */
#include "ristretto255.h"

#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

#define MASK51 ((uint64_t)0x7ffffffffffff)

/* ---------------------------------------------------------------------------------------------- */
/* Field arithmetic mod p = 2^255 - 19.                                                            */
/* Invariant: outputs of fe_mul, fe_sq, fe_sub and fe_carry have limbs below 2^51 + 2^13; fe_add   */
/* outputs (below 2^53) are accepted by fe_mul and fe_sq, which take limbs below 2^54.             */
/* ---------------------------------------------------------------------------------------------- */

static const fe FE_ZERO = {{0, 0, 0, 0, 0}};
static const fe FE_ONE = {{1, 0, 0, 0, 0}};
/* d = -121665/121666 and 2·d (RFC 9496 §4.1, the edwards25519 constant). */
static const fe FE_D = {{929955233495203ULL, 466365720129213ULL, 1662059464998953ULL, 2033849074728123ULL,
                         1442794654840575ULL}};
static const fe FE_D2 = {{1859910466990425ULL, 932731440258426ULL, 1072319116312658ULL, 1815898335770999ULL,
                          633789495995903ULL}};
/* SQRT_M1 and INVSQRT_A_MINUS_D (RFC 9496 §4.1). */
static const fe FE_SQRT_M1 = {{1718705420411056ULL, 234908883556509ULL, 2233514472574048ULL,
                               2117202627021982ULL, 765476049583133ULL}};
static const fe FE_INVSQRT_A_MINUS_D = {{278908739862762ULL, 821645201101625ULL, 8113234426968ULL,
                                         1777959178193151ULL, 2118520810568447ULL}};

static inline void fe_carry(fe *r) {
  uint64_t c;
  c = r->v[0] >> 51; r->v[0] &= MASK51; r->v[1] += c;
  c = r->v[1] >> 51; r->v[1] &= MASK51; r->v[2] += c;
  c = r->v[2] >> 51; r->v[2] &= MASK51; r->v[3] += c;
  c = r->v[3] >> 51; r->v[3] &= MASK51; r->v[4] += c;
  c = r->v[4] >> 51; r->v[4] &= MASK51; r->v[0] += c * 19;
}

static inline void fe_add(fe *r, const fe *a, const fe *b) {
  for (int i = 0; i < 5; i++) r->v[i] = a->v[i] + b->v[i];
}

/* a - b + 16·p, then carried: correct for b with limbs below 2^55. */
static inline void fe_sub(fe *r, const fe *a, const fe *b) {
  r->v[0] = (a->v[0] + 36028797018963664ULL) - b->v[0];
  r->v[1] = (a->v[1] + 36028797018963952ULL) - b->v[1];
  r->v[2] = (a->v[2] + 36028797018963952ULL) - b->v[2];
  r->v[3] = (a->v[3] + 36028797018963952ULL) - b->v[3];
  r->v[4] = (a->v[4] + 36028797018963952ULL) - b->v[4];
  fe_carry(r);
}

static inline void fe_neg(fe *r, const fe *a) { fe_sub(r, &FE_ZERO, a); }

static inline void fe_reduce_wide(fe *r, u128 t0, u128 t1, u128 t2, u128 t3, u128 t4) {
  t1 += t0 >> 51;
  t2 += t1 >> 51;
  t3 += t2 >> 51;
  t4 += t3 >> 51;
  const u128 top = (u128)((uint64_t)t0 & MASK51) + (t4 >> 51) * 19;
  r->v[0] = (uint64_t)top & MASK51;
  r->v[1] = ((uint64_t)t1 & MASK51) + (uint64_t)(top >> 51);
  r->v[2] = (uint64_t)t2 & MASK51;
  r->v[3] = (uint64_t)t3 & MASK51;
  r->v[4] = (uint64_t)t4 & MASK51;
}

static inline void fe_mul(fe *r, const fe *a, const fe *b) {
  const uint64_t a0 = a->v[0], a1 = a->v[1], a2 = a->v[2], a3 = a->v[3], a4 = a->v[4];
  const uint64_t b0 = b->v[0], b1 = b->v[1], b2 = b->v[2], b3 = b->v[3], b4 = b->v[4];
  const uint64_t b1_19 = b1 * 19, b2_19 = b2 * 19, b3_19 = b3 * 19, b4_19 = b4 * 19;
  u128 t0 = (u128)a0 * b0 + (u128)a1 * b4_19 + (u128)a2 * b3_19 + (u128)a3 * b2_19 + (u128)a4 * b1_19;
  u128 t1 = (u128)a0 * b1 + (u128)a1 * b0 + (u128)a2 * b4_19 + (u128)a3 * b3_19 + (u128)a4 * b2_19;
  u128 t2 = (u128)a0 * b2 + (u128)a1 * b1 + (u128)a2 * b0 + (u128)a3 * b4_19 + (u128)a4 * b3_19;
  u128 t3 = (u128)a0 * b3 + (u128)a1 * b2 + (u128)a2 * b1 + (u128)a3 * b0 + (u128)a4 * b4_19;
  u128 t4 = (u128)a0 * b4 + (u128)a1 * b3 + (u128)a2 * b2 + (u128)a3 * b1 + (u128)a4 * b0;
  fe_reduce_wide(r, t0, t1, t2, t3, t4);
}

static inline void fe_sq(fe *r, const fe *a) {
  const uint64_t a0 = a->v[0], a1 = a->v[1], a2 = a->v[2], a3 = a->v[3], a4 = a->v[4];
  const uint64_t d0 = a0 * 2, d1 = a1 * 2, d2 = a2 * 2;
  const uint64_t a3_19 = a3 * 19, a4_19 = a4 * 19;
  u128 t0 = (u128)a0 * a0 + (u128)d1 * a4_19 + (u128)d2 * a3_19;
  u128 t1 = (u128)d0 * a1 + (u128)d2 * a4_19 + (u128)a3 * a3_19;
  u128 t2 = (u128)d0 * a2 + (u128)a1 * a1 + (u128)(a3 * 2) * a4_19;
  u128 t3 = (u128)d0 * a3 + (u128)d1 * a2 + (u128)a4 * a4_19;
  u128 t4 = (u128)d0 * a4 + (u128)d1 * a3 + (u128)a2 * a2;
  fe_reduce_wide(r, t0, t1, t2, t3, t4);
}

static void fe_sqn(fe *r, const fe *a, int n) {
  fe_sq(r, a);
  for (int i = 1; i < n; i++) fe_sq(r, r);
}

/* Little-endian 32 bytes; the top bit is ignored (callers check canonicity by re-encoding). */
static void fe_frombytes(fe *r, const uint8_t s[32]) {
  uint64_t w[4];
  for (int i = 0; i < 4; i++) {
    uint64_t x = 0;
    for (int j = 7; j >= 0; j--) x = (x << 8) | s[8 * i + j];
    w[i] = x;
  }
  r->v[0] = w[0] & MASK51;
  r->v[1] = ((w[0] >> 51) | (w[1] << 13)) & MASK51;
  r->v[2] = ((w[1] >> 38) | (w[2] << 26)) & MASK51;
  r->v[3] = ((w[2] >> 25) | (w[3] << 39)) & MASK51;
  r->v[4] = (w[3] >> 12) & MASK51;
}

/* The canonical encoding (fully reduced mod p). */
static void fe_tobytes(uint8_t s[32], const fe *a) {
  fe t = *a;
  fe_carry(&t);
  fe_carry(&t);
  /* Now t < 2^255 + small; q = 1 iff t ≥ p. */
  uint64_t q = (t.v[0] + 19) >> 51;
  q = (t.v[1] + q) >> 51;
  q = (t.v[2] + q) >> 51;
  q = (t.v[3] + q) >> 51;
  q = (t.v[4] + q) >> 51;
  t.v[0] += 19 * q;
  t.v[1] += t.v[0] >> 51; t.v[0] &= MASK51;
  t.v[2] += t.v[1] >> 51; t.v[1] &= MASK51;
  t.v[3] += t.v[2] >> 51; t.v[2] &= MASK51;
  t.v[4] += t.v[3] >> 51; t.v[3] &= MASK51;
  t.v[4] &= MASK51;
  uint64_t w[4];
  w[0] = t.v[0] | (t.v[1] << 51);
  w[1] = (t.v[1] >> 13) | (t.v[2] << 38);
  w[2] = (t.v[2] >> 26) | (t.v[3] << 25);
  w[3] = (t.v[3] >> 39) | (t.v[4] << 12);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 8; j++) s[8 * i + j] = (uint8_t)(w[i] >> (8 * j));
}

static int fe_iszero(const fe *a) {
  uint8_t s[32];
  fe_tobytes(s, a);
  uint8_t acc = 0;
  for (int i = 0; i < 32; i++) acc |= s[i];
  return acc == 0;
}

static int fe_equal(const fe *a, const fe *b) {
  uint8_t x[32], y[32];
  fe_tobytes(x, a);
  fe_tobytes(y, b);
  return memcmp(x, y, 32) == 0;
}

/* RFC 9496 §4.1 IS_NEGATIVE: the least significant bit of the canonical encoding. */
static int fe_isnegative(const fe *a) {
  uint8_t s[32];
  fe_tobytes(s, a);
  return s[0] & 1;
}

/* CT_ABS (here simply: negate if negative). */
static void fe_abs(fe *r, const fe *a) {
  if (fe_isnegative(a)) fe_neg(r, a);
  else *r = *a;
}

/* z^(2^252 - 3) = z^((p - 5)/8), the addition chain of ref10. */
static void fe_pow22523(fe *out, const fe *z) {
  fe t0, t1, t2;
  fe_sq(&t0, z);             /* 2 */
  fe_sqn(&t1, &t0, 2);       /* 8 */
  fe_mul(&t1, z, &t1);       /* 9 */
  fe_mul(&t0, &t0, &t1);     /* 11 */
  fe_sq(&t0, &t0);           /* 22 */
  fe_mul(&t0, &t1, &t0);     /* 2^5 - 1 */
  fe_sqn(&t1, &t0, 5);       /* 2^10 - 2^5 */
  fe_mul(&t0, &t1, &t0);     /* 2^10 - 1 */
  fe_sqn(&t1, &t0, 10);      /* 2^20 - 2^10 */
  fe_mul(&t1, &t1, &t0);     /* 2^20 - 1 */
  fe_sqn(&t2, &t1, 20);      /* 2^40 - 2^20 */
  fe_mul(&t1, &t2, &t1);     /* 2^40 - 1 */
  fe_sqn(&t1, &t1, 10);      /* 2^50 - 2^10 */
  fe_mul(&t0, &t1, &t0);     /* 2^50 - 1 */
  fe_sqn(&t1, &t0, 50);      /* 2^100 - 2^50 */
  fe_mul(&t1, &t1, &t0);     /* 2^100 - 1 */
  fe_sqn(&t2, &t1, 100);     /* 2^200 - 2^100 */
  fe_mul(&t1, &t2, &t1);     /* 2^200 - 1 */
  fe_sqn(&t1, &t1, 50);      /* 2^250 - 2^50 */
  fe_mul(&t0, &t1, &t0);     /* 2^250 - 1 */
  fe_sqn(&t0, &t0, 2);       /* 2^252 - 4 */
  fe_mul(out, &t0, z);       /* 2^252 - 3 */
}

/*
 * RFC 9496 §4.2 SQRT_RATIO_M1(u, v): (was_square, r) with r = +sqrt(u/v) if u/v is square,
 * +sqrt(SQRT_M1·u/v) otherwise (and r = 0 for u = 0).
 */
static int fe_sqrt_ratio_m1(fe *r_out, const fe *u, const fe *v) {
  fe v3, v7, t, r, check, neg_u, neg_u_i, r_prime;
  fe_sq(&v3, v);
  fe_mul(&v3, &v3, v);                 /* v^3 */
  fe_sq(&v7, &v3);
  fe_mul(&v7, &v7, v);                 /* v^7 */
  fe_mul(&t, u, &v7);                  /* u·v^7 */
  fe_pow22523(&t, &t);                 /* (u·v^7)^((p-5)/8) */
  fe_mul(&r, u, &v3);
  fe_mul(&r, &r, &t);                  /* r = (u·v^3)·(u·v^7)^((p-5)/8) */
  fe_sq(&check, &r);
  fe_mul(&check, &check, v);           /* check = v·r^2 */
  fe_neg(&neg_u, u);
  fe_mul(&neg_u_i, &neg_u, &FE_SQRT_M1);
  const int correct = fe_equal(&check, u);
  const int flipped = fe_equal(&check, &neg_u);
  const int flipped_i = fe_equal(&check, &neg_u_i);
  if (flipped || flipped_i) {
    fe_mul(&r_prime, &r, &FE_SQRT_M1);
    r = r_prime;
  }
  fe_abs(r_out, &r);
  return correct || flipped;
}

/* ---------------------------------------------------------------------------------------------- */
/* Points.                                                                                         */
/* ---------------------------------------------------------------------------------------------- */

/* The "completed" P1xP1 form of an addition or doubling's result: x = X/Z, y = Y/T. */
typedef struct {
  fe X, Y, Z, T;
} ge_p1p1;

/* A point cached for addition: (Y + X, Y - X, Z, 2·d·T). */
typedef struct {
  fe YplusX, YminusX, Z, T2d;
} ge_cached;

/* A point with Z = 1 cached for addition: (y + x, y - x, 2·d·x·y). */
typedef struct {
  fe yplusx, yminusx, xy2d;
} ge_affine;

void ge_identity(ge_p3 *p) {
  p->X = FE_ZERO;
  p->Y = FE_ONE;
  p->Z = FE_ONE;
  p->T = FE_ZERO;
}

static inline void p1p1_to_p3(ge_p3 *r, const ge_p1p1 *p) {
  fe_mul(&r->X, &p->X, &p->T);
  fe_mul(&r->Y, &p->Y, &p->Z);
  fe_mul(&r->Z, &p->Z, &p->T);
  fe_mul(&r->T, &p->X, &p->Y);
}

/* Projective only (no T): for a result that is doubled next. */
static inline void p1p1_to_p2(ge_p3 *r, const ge_p1p1 *p) {
  fe_mul(&r->X, &p->X, &p->T);
  fe_mul(&r->Y, &p->Y, &p->Z);
  fe_mul(&r->Z, &p->Z, &p->T);
}

static inline void p3_to_cached(ge_cached *c, const ge_p3 *p) {
  fe_add(&c->YplusX, &p->Y, &p->X);
  fe_sub(&c->YminusX, &p->Y, &p->X);
  c->Z = p->Z;
  fe_mul(&c->T2d, &p->T, &FE_D2);
}

static inline void cached_neg(ge_cached *r, const ge_cached *c) {
  r->YplusX = c->YminusX;
  r->YminusX = c->YplusX;
  r->Z = c->Z;
  fe_neg(&r->T2d, &c->T2d);
}

/* Doubling from X, Y, Z (T unused): dbl-2008-hwcd with a = -1. */
static inline void ge_dbl_p1p1(ge_p1p1 *r, const ge_p3 *p) {
  fe xx, yy, zz2, xpy, xpy2;
  fe_sq(&xx, &p->X);
  fe_sq(&yy, &p->Y);
  fe_sq(&zz2, &p->Z);
  fe_add(&zz2, &zz2, &zz2);
  fe_add(&xpy, &p->X, &p->Y);
  fe_sq(&xpy2, &xpy);
  fe_add(&r->Y, &yy, &xx);       /* YY + XX */
  fe_sub(&r->Z, &yy, &xx);       /* YY - XX */
  fe_sub(&r->X, &xpy2, &r->Y);   /* (X + Y)^2 - YY - XX */
  fe_sub(&r->T, &zz2, &r->Z);    /* 2·Z^2 - (YY - XX) */
}

/* add-2008-hwcd-3 with a = -1. */
static inline void ge_add_cached_p1p1(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q) {
  fe pp, mm, tt2d, zz, ypx, ymx;
  fe_add(&ypx, &p->Y, &p->X);
  fe_sub(&ymx, &p->Y, &p->X);
  fe_mul(&pp, &ypx, &q->YplusX);
  fe_mul(&mm, &ymx, &q->YminusX);
  fe_mul(&tt2d, &p->T, &q->T2d);
  fe_mul(&zz, &p->Z, &q->Z);
  fe_add(&zz, &zz, &zz);
  fe_sub(&r->X, &pp, &mm);
  fe_add(&r->Y, &pp, &mm);
  fe_add(&r->Z, &zz, &tt2d);
  fe_sub(&r->T, &zz, &tt2d);
}

static inline void ge_sub_cached_p1p1(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q) {
  fe pm, mp, tt2d, zz, ypx, ymx;
  fe_add(&ypx, &p->Y, &p->X);
  fe_sub(&ymx, &p->Y, &p->X);
  fe_mul(&pm, &ypx, &q->YminusX);
  fe_mul(&mp, &ymx, &q->YplusX);
  fe_mul(&tt2d, &p->T, &q->T2d);
  fe_mul(&zz, &p->Z, &q->Z);
  fe_add(&zz, &zz, &zz);
  fe_sub(&r->X, &pm, &mp);
  fe_add(&r->Y, &pm, &mp);
  fe_sub(&r->Z, &zz, &tt2d);
  fe_add(&r->T, &zz, &tt2d);
}

static inline void ge_add_affine_p1p1(ge_p1p1 *r, const ge_p3 *p, const ge_affine *q) {
  fe pp, mm, txy2d, z2, ypx, ymx;
  fe_add(&ypx, &p->Y, &p->X);
  fe_sub(&ymx, &p->Y, &p->X);
  fe_mul(&pp, &ypx, &q->yplusx);
  fe_mul(&mm, &ymx, &q->yminusx);
  fe_mul(&txy2d, &p->T, &q->xy2d);
  fe_add(&z2, &p->Z, &p->Z);
  fe_sub(&r->X, &pp, &mm);
  fe_add(&r->Y, &pp, &mm);
  fe_add(&r->Z, &z2, &txy2d);
  fe_sub(&r->T, &z2, &txy2d);
}

static inline void ge_sub_affine_p1p1(ge_p1p1 *r, const ge_p3 *p, const ge_affine *q) {
  fe pm, mp, txy2d, z2, ypx, ymx;
  fe_add(&ypx, &p->Y, &p->X);
  fe_sub(&ymx, &p->Y, &p->X);
  fe_mul(&pm, &ypx, &q->yminusx);
  fe_mul(&mp, &ymx, &q->yplusx);
  fe_mul(&txy2d, &p->T, &q->xy2d);
  fe_add(&z2, &p->Z, &p->Z);
  fe_sub(&r->X, &pm, &mp);
  fe_add(&r->Y, &pm, &mp);
  fe_sub(&r->Z, &z2, &txy2d);
  fe_add(&r->T, &z2, &txy2d);
}

void ge_add(ge_p3 *r, const ge_p3 *a, const ge_p3 *b) {
  ge_cached c;
  ge_p1p1 t;
  p3_to_cached(&c, b);
  ge_add_cached_p1p1(&t, a, &c);
  p1p1_to_p3(r, &t);
}

void ge_sub(ge_p3 *r, const ge_p3 *a, const ge_p3 *b) {
  ge_cached c;
  ge_p1p1 t;
  p3_to_cached(&c, b);
  ge_sub_cached_p1p1(&t, a, &c);
  p1p1_to_p3(r, &t);
}

void ge_negate(ge_p3 *r, const ge_p3 *a) {
  fe_neg(&r->X, &a->X);
  r->Y = a->Y;
  r->Z = a->Z;
  fe_neg(&r->T, &a->T);
}

void ge_double(ge_p3 *r, const ge_p3 *a) {
  ge_p1p1 t;
  ge_dbl_p1p1(&t, a);
  p1p1_to_p3(r, &t);
}

/* ---------------------------------------------------------------------------------------------- */
/* RFC 9496 §4.3 encoding and decoding, §4.5 equality.                                            */
/* ---------------------------------------------------------------------------------------------- */

int rist_decode(ge_p3 *p, const uint8_t bytes[32]) {
  fe s, ss, u1, u2, u2_sqr, v, t, invsqrt, den_x, den_y, x, y;
  uint8_t check[32];
  /* 1. s must be canonical (re-encodes to the same bytes, so also < 2^255) and non-negative. */
  fe_frombytes(&s, bytes);
  fe_tobytes(check, &s);
  if (memcmp(check, bytes, 32) != 0) return -1;
  if (bytes[0] & 1) return -1;
  /* 2. ss = s^2, u1 = 1 - ss, u2 = 1 + ss, u2_sqr = u2^2 */
  fe_sq(&ss, &s);
  fe_sub(&u1, &FE_ONE, &ss);
  fe_add(&u2, &FE_ONE, &ss);
  fe_carry(&u2);
  fe_sq(&u2_sqr, &u2);
  /* 3. v = -(D · u1^2) - u2_sqr */
  fe_sq(&t, &u1);
  fe_mul(&t, &t, &FE_D);
  fe_neg(&t, &t);
  fe_sub(&v, &t, &u2_sqr);
  /* 4. (was_square, invsqrt) = SQRT_RATIO_M1(1, v · u2_sqr) */
  fe_mul(&t, &v, &u2_sqr);
  const int was_square = fe_sqrt_ratio_m1(&invsqrt, &FE_ONE, &t);
  /* 5. den_x = invsqrt · u2, den_y = invsqrt · den_x · v */
  fe_mul(&den_x, &invsqrt, &u2);
  fe_mul(&den_y, &invsqrt, &den_x);
  fe_mul(&den_y, &den_y, &v);
  /* 6. x = CT_ABS(2 · s · den_x), y = u1 · den_y, t = x · y */
  fe_add(&t, &s, &s);
  fe_mul(&t, &t, &den_x);
  fe_abs(&x, &t);
  fe_mul(&y, &u1, &den_y);
  fe_mul(&t, &x, &y);
  /* 7. reject if not square, t negative or y = 0 */
  if (!was_square || fe_isnegative(&t) || fe_iszero(&y)) return -1;
  p->X = x;
  p->Y = y;
  p->Z = FE_ONE;
  p->T = t;
  return 0;
}

void rist_encode(uint8_t out[32], const ge_p3 *p) {
  fe u1, u2, t, invsqrt, den1, den2, z_inv, ix0, iy0, ench, x, y, den_inv, s;
  const fe *x0 = &p->X, *y0 = &p->Y, *z0 = &p->Z, *t0 = &p->T;
  /* u1 = (z0 + y0) · (z0 - y0), u2 = x0 · y0 */
  fe_add(&t, z0, y0);
  fe_sub(&u1, z0, y0);
  fe_mul(&u1, &t, &u1);
  fe_mul(&u2, x0, y0);
  /* invsqrt = SQRT_RATIO_M1(1, u1 · u2^2) */
  fe_sq(&t, &u2);
  fe_mul(&t, &u1, &t);
  fe_sqrt_ratio_m1(&invsqrt, &FE_ONE, &t);
  /* den1 = invsqrt · u1, den2 = invsqrt · u2, z_inv = den1 · den2 · t0 */
  fe_mul(&den1, &invsqrt, &u1);
  fe_mul(&den2, &invsqrt, &u2);
  fe_mul(&z_inv, &den1, &den2);
  fe_mul(&z_inv, &z_inv, t0);
  /* ix0 = x0 · SQRT_M1, iy0 = y0 · SQRT_M1, enchanted_denominator = den1 · INVSQRT_A_MINUS_D */
  fe_mul(&ix0, x0, &FE_SQRT_M1);
  fe_mul(&iy0, y0, &FE_SQRT_M1);
  fe_mul(&ench, &den1, &FE_INVSQRT_A_MINUS_D);
  /* rotate = IS_NEGATIVE(t0 · z_inv) */
  fe_mul(&t, t0, &z_inv);
  if (fe_isnegative(&t)) {
    x = iy0;
    y = ix0;
    den_inv = ench;
  } else {
    x = *x0;
    y = *y0;
    den_inv = den2;
  }
  /* y = CT_NEG(y, IS_NEGATIVE(x · z_inv)) */
  fe_mul(&t, &x, &z_inv);
  if (fe_isnegative(&t)) fe_neg(&y, &y);
  /* s = CT_ABS(den_inv · (z0 - y)) */
  fe_sub(&t, z0, &y);
  fe_mul(&s, &den_inv, &t);
  fe_abs(&s, &s);
  fe_tobytes(out, &s);
}

int rist_equal(const ge_p3 *a, const ge_p3 *b) {
  fe l, r;
  fe_mul(&l, &a->X, &b->Y);
  fe_mul(&r, &a->Y, &b->X);
  if (fe_equal(&l, &r)) return 1;
  fe_mul(&l, &a->Y, &b->Y);
  fe_mul(&r, &a->X, &b->X);
  return fe_equal(&l, &r);
}

int rist_self_check(void) {
  /* RFC 9496 A.1: the generator's encoding decodes and encodes back to itself. */
  static const uint8_t base[32] = {0xe2, 0xf2, 0xae, 0x0a, 0x6a, 0xbc, 0x4e, 0x71, 0xa8, 0x84, 0xa9,
                                   0x61, 0xc5, 0x00, 0x51, 0x5f, 0x58, 0xe3, 0x0b, 0x6a, 0xa5, 0x82,
                                   0xdd, 0x8d, 0xb6, 0xa6, 0x59, 0x45, 0xe0, 0x8d, 0x2d, 0x76};
  ge_p3 p;
  uint8_t again[32];
  if (rist_decode(&p, base) != 0) return -1;
  rist_encode(again, &p);
  return memcmp(again, base, 32) == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------------------------------------- */
/* Multi-scalar multiplication.                                                                    */
/* ---------------------------------------------------------------------------------------------- */

/*
 * Signed radix-2^c digits of a scalar below 2^253: digits[0..w) with w = floor(253/c) + 1, each in
 * [-2^(c-1), 2^(c-1)] (the top one absorbs the last carry and stays ≤ 2^(c-1) because c·w > 253).
 */
static void signed_digits(int32_t *digits, const uint8_t k[32], int c, int w) {
  uint64_t limbs[4];
  for (int i = 0; i < 4; i++) {
    uint64_t x = 0;
    for (int j = 7; j >= 0; j--) x = (x << 8) | k[8 * i + j];
    limbs[i] = x;
  }
  const int64_t radix = (int64_t)1 << c;
  const int64_t half = radix >> 1;
  int64_t carry = 0;
  for (int i = 0; i < w; i++) {
    const int bit = i * c;
    const int limb = bit >> 6, off = bit & 63;
    uint64_t bits = limb < 4 ? limbs[limb] >> off : 0;
    if (off + c > 64 && limb + 1 < 4) bits |= limbs[limb + 1] << (64 - off);
    int64_t d = (int64_t)(bits & (uint64_t)(radix - 1)) + carry;
    if (i < w - 1 && d >= half) {
      d -= radix;
      carry = 1;
    } else {
      carry = 0;
    }
    digits[i] = (int32_t)d;
  }
}

static void p3_to_affine_z1(ge_affine *a, const ge_p3 *p) {
  /* Only for points with Z = 1 (fresh from decoding). */
  fe_add(&a->yplusx, &p->Y, &p->X);
  fe_sub(&a->yminusx, &p->Y, &p->X);
  fe_mul(&a->xy2d, &p->T, &FE_D2);
}

static int fe_is_one(const fe *a) { return fe_equal(a, &FE_ONE); }

/*
 * Straus: interleaved windows of 4 signed bits; each point's table holds 1·P … m·P for the largest
 * digit m it needs, and leading all-zero windows are skipped (so small scalars cost little).
 */
static int msm_straus(ge_p3 *r, const ge_p3 *points, const uint8_t *scalars, size_t n) {
  ge_cached *tables = malloc(sizeof(ge_cached) * 8 * n);
  int32_t *digits = malloc(sizeof(int32_t) * 64 * n);
  if (tables == NULL || digits == NULL) {
    free(tables);
    free(digits);
    return -1;
  }
  int top = -1;
  for (size_t i = 0; i < n; i++) {
    int32_t *d = digits + 64 * i;
    signed_digits(d, scalars + 32 * i, 4, 64);
    int m = 0;
    for (int w = 0; w < 64; w++) {
      const int a = d[w] < 0 ? -d[w] : d[w];
      if (a > m) m = a;
      if (a != 0 && w > top) top = w;
    }
    ge_cached *tab = tables + 8 * i;
    ge_p3 acc;
    ge_p1p1 t;
    if (m > 0) p3_to_cached(&tab[0], &points[i]);
    for (int j = 1; j < m; j++) {
      ge_add_cached_p1p1(&t, &points[i], &tab[j - 1]);
      p1p1_to_p3(&acc, &t);
      p3_to_cached(&tab[j], &acc);
    }
  }
  ge_p3 acc;
  ge_identity(&acc);
  ge_p1p1 t;
  for (int w = top; w >= 0; w--) {
    if (w != top) {
      for (int j = 0; j < 3; j++) {
        ge_dbl_p1p1(&t, &acc);
        p1p1_to_p2(&acc, &t);
      }
      ge_dbl_p1p1(&t, &acc);
      p1p1_to_p3(&acc, &t);
    }
    for (size_t i = 0; i < n; i++) {
      const int32_t d = digits[64 * i + w];
      if (d > 0) {
        ge_add_cached_p1p1(&t, &acc, &tables[8 * i + (d - 1)]);
        p1p1_to_p3(&acc, &t);
      } else if (d < 0) {
        ge_sub_cached_p1p1(&t, &acc, &tables[8 * i + (-d - 1)]);
        p1p1_to_p3(&acc, &t);
      }
    }
  }
  *r = acc;
  free(tables);
  free(digits);
  return 0;
}

/* Pippenger: per window, points go into buckets by digit; Σ j·bucket_j by running sums. */
static int msm_pippenger(ge_p3 *r, const ge_p3 *points, const uint8_t *scalars, size_t n, int c) {
  const int w = 253 / c + 1;
  const size_t nb = (size_t)1 << (c - 1);
  int32_t *digits = malloc(sizeof(int32_t) * (size_t)w * n);
  ge_p3 *buckets = malloc(sizeof(ge_p3) * nb);
  uint8_t *used = malloc(nb);
  ge_affine *aff = malloc(sizeof(ge_affine) * n);
  ge_cached *cached = malloc(sizeof(ge_cached) * n);
  if (digits == NULL || buckets == NULL || used == NULL || aff == NULL || cached == NULL) {
    free(digits);
    free(buckets);
    free(used);
    free(aff);
    free(cached);
    return -1;
  }
  /* Points with Z = 1 take the cheaper affine addition. */
  uint8_t *affine = malloc(n);
  if (affine == NULL) {
    free(digits);
    free(buckets);
    free(used);
    free(aff);
    free(cached);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    signed_digits(digits + (size_t)w * i, scalars + 32 * i, c, w);
    if (fe_is_one(&points[i].Z)) {
      affine[i] = 1;
      p3_to_affine_z1(&aff[i], &points[i]);
    } else {
      affine[i] = 0;
      p3_to_cached(&cached[i], &points[i]);
    }
  }
  ge_p3 acc;
  ge_identity(&acc);
  ge_p1p1 t;
  for (int win = w - 1; win >= 0; win--) {
    if (win != w - 1) {
      for (int j = 0; j < c - 1; j++) {
        ge_dbl_p1p1(&t, &acc);
        p1p1_to_p2(&acc, &t);
      }
      ge_dbl_p1p1(&t, &acc);
      p1p1_to_p3(&acc, &t);
    }
    memset(used, 0, nb);
    for (size_t i = 0; i < n; i++) {
      const int32_t d = digits[(size_t)w * i + win];
      if (d == 0) continue;
      const size_t b = (size_t)(d > 0 ? d : -d) - 1;
      ge_p3 *bucket = &buckets[b];
      if (!used[b]) {
        ge_identity(bucket);
        used[b] = 1;
      }
      if (affine[i]) {
        if (d > 0) ge_add_affine_p1p1(&t, bucket, &aff[i]);
        else ge_sub_affine_p1p1(&t, bucket, &aff[i]);
      } else {
        if (d > 0) ge_add_cached_p1p1(&t, bucket, &cached[i]);
        else ge_sub_cached_p1p1(&t, bucket, &cached[i]);
      }
      p1p1_to_p3(bucket, &t);
    }
    /* Σ_j (j + 1)·bucket_j = Σ_j running_j, running_j = Σ_{k ≥ j} bucket_k. */
    ge_p3 running, sum;
    int have_running = 0, have_sum = 0;
    for (size_t j = nb; j-- > 0;) {
      if (used[j]) {
        if (have_running) ge_add(&running, &running, &buckets[j]);
        else running = buckets[j];
        have_running = 1;
      }
      if (have_running) {
        if (have_sum) ge_add(&sum, &sum, &running);
        else sum = running;
        have_sum = 1;
      }
    }
    if (have_sum) ge_add(&acc, &acc, &sum);
  }
  *r = acc;
  free(digits);
  free(buckets);
  free(used);
  free(aff);
  free(cached);
  free(affine);
  return 0;
}

/* Rough cost in point additions (a doubling counted as one) of each method, to pick the cheaper. */
static double straus_cost(size_t n) { return 252.0 + (double)n * (64.0 + 8.0); }

static double pippenger_cost(size_t n, int c) {
  return (double)(253 / c + 1) * ((double)n + (double)((size_t)1 << c)) + 253.0;
}

int ge_msm(ge_p3 *r, const ge_p3 *points, const uint8_t *scalars, size_t n) {
  if (n == 0) {
    ge_identity(r);
    return 0;
  }
  int best_c = 0;
  double best = straus_cost(n);
  for (int c = 4; c <= 16; c++) {
    const double cost = pippenger_cost(n, c);
    if (cost < best) {
      best = cost;
      best_c = c;
    }
  }
  if (best_c == 0) return msm_straus(r, points, scalars, n);
  return msm_pippenger(r, points, scalars, n, best_c);
}
