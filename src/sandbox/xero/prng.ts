/** mulberry32: a tiny, fast, seedable PRNG so a seed always yields the same organisation. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** A version-4 shaped UUID drawn from the stream (deterministic, not cryptographic). */
  uuid(): string;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const u32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = () => u32() / 4_294_967_296;
  const HEX = '0123456789abcdef';
  const codes = new Array<number>(36);
  const uuid = (): string => {
    // Built from char codes so the result is one flat string (concatenated slices would keep their parts alive).
    let w = 0;
    let word = 0;
    for (let i = 0; i < 36; i++) {
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        codes[i] = 45;
        continue;
      }
      if (w % 8 === 0) word = u32();
      let nibble = (word >>> ((w % 8) * 4)) & 0xf;
      if (i === 14) nibble = 4;
      if (i === 19) nibble = (nibble & 0x3) | 0x8;
      codes[i] = HEX.charCodeAt(nibble);
      w++;
    }
    return String.fromCharCode(...codes);
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    chance: (p) => next() < p,
    uuid,
  };
}
