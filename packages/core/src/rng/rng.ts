import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/** Serializable RNG state: save it with a checkpoint, restore it for an exact resume. */
export interface RngState {
  /** Generator the state belongs to; recorded so a future change of algorithm can be detected. */
  readonly algorithm: 'xoroshiro128plus';
  /** The generator's internal words, as pure-rand's `getState()` returns them. */
  readonly state: readonly number[];
}

/**
 * The seeded PRNG every random choice in the project takes (docs/architecture.md §2 `rng`).
 * pure-rand's xoroshiro128+ gives a small, serializable state, which exact resume needs.
 */
export class Rng {
  private generator: JumpableRandomGenerator;
  private spareNormal: number | undefined;

  private constructor(generator: JumpableRandomGenerator) {
    this.generator = generator;
  }

  /**
   * xoroshiro128+ seeded straight from a small integer starts from a nearly linear state: the first
   * draws of seeds 0, 1, 2… agree to several digits. The seed is mixed first and the first draws
   * discarded, so neighbouring seeds (and forks) give unrelated streams.
   */
  static fromSeed(seed: number): Rng {
    const generator = xoroshiro128plus(mix32(seed | 0));
    for (let i = 0; i < WARM_UP_DRAWS; i++) generator.next();
    return new Rng(generator);
  }

  /** Resume a stream exactly where `getState()` left it. */
  static fromState(state: RngState): Rng {
    return new Rng(xoroshiro128plusFromState(state.state));
  }

  /** Snapshot the stream for a checkpoint; `Rng.fromState` continues it draw for draw. */
  getState(): RngState {
    // A cached Box–Muller spare would be lost on restore; drop it so state fully determines the stream.
    this.spareNormal = undefined;
    return { algorithm: 'xoroshiro128plus', state: [...this.generator.getState()] };
  }

  /** Continue from a saved state in place (for objects that hold on to this Rng). */
  restore(state: RngState): void {
    this.generator = xoroshiro128plusFromState(state.state);
    this.spareNormal = undefined;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.generator);
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.generator, min, max);
  }

  /** A fresh 31-bit seed, e.g. for `tf.randomNormal(shape, 0, 1, 'float32', seed)`. */
  seed(): number {
    return this.int(0, 0x7fffffff);
  }

  /** Standard normal sample (Box–Muller, both values used). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    const u = 1 - this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** An element chosen uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /**
   * An independent child stream named by `label`: the same (seed, label) always gives the same
   * stream, and drawing from the child does not move the parent.
   */
  fork(label: string): Rng {
    const base = this.generator.clone().next();
    return Rng.fromSeed(hashString(label) ^ base);
  }
}

const WARM_UP_DRAWS = 16;

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** FNV-1a, 32-bit: a stable string → seed map. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
