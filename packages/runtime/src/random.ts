// A small seedable random source for `random` (RUNTIME §2's
// `seededRandom(sessionId)`, and `fluxo test`'s `seed N`): the same seed
// always gives the same sequence, on every platform. The algorithm is part
// of the contract once tests depend on it: FNV-1a (32-bit) hashes a string
// seed, and mulberry32 generates the numbers. Not for cryptography.

/** Returns a function giving numbers in `[0, 1)`, deterministic for a seed (a number, or a string such as a session id). */
export function seededRandom(seed: number | string): () => number {
  let state: number;
  if (typeof seed === "number" && Number.isFinite(seed)) {
    state = Math.trunc(seed) >>> 0;
  } else {
    // FNV-1a over the UTF-16 units of the seed.
    state = 0x811c9dc5;
    const text = String(seed);
    for (let i = 0; i < text.length; i++) {
      state ^= text.charCodeAt(i);
      state = Math.imul(state, 0x01000193) >>> 0;
    }
  }
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
