// Modular exponentiation and a Miller–Rabin check, for tests that confirm published group constants
// are prime (public values: a simple variable-time implementation is what a test wants).

export function modPow(base: bigint, exp: bigint, n: bigint): bigint {
  let result = 1n;
  let x = base % n;
  for (let e = exp; e > 0n; e >>= 1n) {
    if ((e & 1n) === 1n) result = (result * x) % n;
    x = (x * x) % n;
  }
  return result;
}

/** Miller–Rabin with the first 20 primes as bases (a probable-prime check of public constants). */
export function isProbablePrime(n: bigint): boolean {
  const bases = [
    2n,
    3n,
    5n,
    7n,
    11n,
    13n,
    17n,
    19n,
    23n,
    29n,
    31n,
    37n,
    41n,
    43n,
    47n,
    53n,
    59n,
    61n,
    67n,
    71n,
  ];
  let d = n - 1n;
  let r = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    r++;
  }
  for (const base of bases) {
    let x = modPow(base, d, n);
    if (x === 1n || x === n - 1n) continue;
    let composite = true;
    for (let i = 1; i < r; i++) {
      x = (x * x) % n;
      if (x === n - 1n) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}
