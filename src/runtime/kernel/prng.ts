/**
 * Seeded PRNGs. Every random choice in lockstep derives from the run seed,
 * the iteration and (for per-thread perturbation) the tid, so that a seed
 * log names everything needed to make the same choices again.
 */

/** splitmix32: a good 32-bit mixer; also used to derive seeds. */
export function mix32(a: number): number {
  a |= 0;
  a = (a + 0x9e3779b9) | 0;
  let t = a ^ (a >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t = t ^ (t >>> 15);
  t = Math.imul(t, 0x735a2d97);
  return (t ^ (t >>> 15)) | 0;
}

/** Derive a child seed from a parent seed and any number of integers. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = mix32(seed);
  for (const p of parts) h = mix32(h ^ mix32(p));
  return h;
}

/** xoshiro128** over an Int32Array window, so its state can live in the SAB. */
export class Xoshiro {
  constructor(
    private readonly s: Int32Array,
    private readonly off = 0,
  ) {}

  static seedInto(s: Int32Array, off: number, seed: number): void {
    let x = seed | 0;
    for (let i = 0; i < 4; i++) {
      x = mix32(x + i);
      s[off + i] = x === 0 && i === 0 ? 1 : x;
    }
  }

  /** Uniform uint32 as a non-negative double. */
  next(): number {
    const s = this.s;
    const o = this.off;
    const s0 = s[o]!;
    const s1 = s[o + 1]!;
    const s2 = s[o + 2]!;
    const s3 = s[o + 3]!;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    let n2 = s2 ^ s0;
    let n3 = s3 ^ s1;
    const n1 = s1 ^ n2;
    const n0 = s0 ^ n3;
    n2 ^= t;
    n3 = rotl(n3, 11);
    s[o] = n0;
    s[o + 1] = n1;
    s[o + 2] = n2;
    s[o + 3] = n3;
    return r >>> 0;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }

  chance(permille: number): boolean {
    return this.next() % 1000 < permille;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A private (non-shared) PRNG for one thread. */
export function localRng(seed: number): Xoshiro {
  const s = new Int32Array(4);
  Xoshiro.seedInto(s, 0, seed);
  return new Xoshiro(s, 0);
}

/** Parse a seed given on the command line: decimal or 0x-hex, 32 bits. */
export function parseSeed(text: string): number | null {
  const t = text.trim();
  if (/^0x[0-9a-f]{1,8}$/i.test(t)) return Number.parseInt(t.slice(2), 16) | 0;
  if (/^[0-9]{1,10}$/.test(t)) {
    const n = Number(t);
    if (n <= 0xffffffff) return n | 0;
  }
  return null;
}

export function formatSeed(seed: number): string {
  return `0x${(seed >>> 0).toString(16).padStart(8, '0')}`;
}
