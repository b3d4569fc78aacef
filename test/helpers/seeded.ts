/**
 * A small seeded random number generator (mulberry32) for tests that pick kill points, operation
 * mixes or rows at random: a failing seed, stated in the test's name, can be replayed exactly.
 */

/**
 * Returns a function giving numbers in [0, 1), the same sequence for the same seed.
 *
 * @example
 * const rand = seededRandom(42); const at = Math.floor(rand() * 100);
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
