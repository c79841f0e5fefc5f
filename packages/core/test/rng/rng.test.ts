import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng/index.js';

describe('Rng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = Rng.fromSeed(42);
    const b = Rng.fromSeed(42);
    const c = Rng.fromSeed(43);
    const drawsA = Array.from({ length: 5 }, () => a.float());
    expect(Array.from({ length: 5 }, () => b.float())).toEqual(drawsA);
    expect(Array.from({ length: 5 }, () => c.float())).not.toEqual(drawsA);
  });

  it('gives unrelated first draws for neighbouring seeds (the seed is mixed)', () => {
    const firsts = [0, 1, 2, 3, 4, 5, 6, 7].map((seed) => Rng.fromSeed(seed).float());
    const spread = Math.max(...firsts) - Math.min(...firsts);
    expect(spread).toBeGreaterThan(0.3);
    const forks = [0, 1, 2, 3].map((seed) => Rng.fromSeed(seed).fork('init').float());
    expect(Math.max(...forks) - Math.min(...forks)).toBeGreaterThan(0.1);
  });

  it('resumes exactly from a saved state', () => {
    const rng = Rng.fromSeed(7);
    for (let i = 0; i < 10; i++) rng.normal();
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const expected = Array.from({ length: 6 }, () => rng.normal());
    const restored = Rng.fromState(saved);
    expect(Array.from({ length: 6 }, () => restored.normal())).toEqual(expected);
  });

  it('draws ints within bounds and normals with the right moments', () => {
    const rng = Rng.fromSeed(1);
    const ints = Array.from({ length: 2000 }, () => rng.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    const normals = Array.from({ length: 20000 }, () => rng.normal());
    const mean = normals.reduce((s, x) => s + x, 0) / normals.length;
    const variance = normals.reduce((s, x) => s + (x - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('forks independent, reproducible child streams without moving the parent', () => {
    const parent = Rng.fromSeed(9);
    const childA = parent.fork('data');
    const childB = Rng.fromSeed(9).fork('data');
    const other = Rng.fromSeed(9).fork('model');
    const a = childA.float();
    expect(childB.float()).toBe(a);
    expect(other.float()).not.toBe(a);
    expect(parent.float()).toBe(Rng.fromSeed(9).float());
  });

  it('shuffles into a permutation', () => {
    const rng = Rng.fromSeed(3);
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = rng.shuffle(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
    expect(shuffled).not.toEqual(items);
  });
});
