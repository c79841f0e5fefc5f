/**
 * Selecting entries by magnitude rank without sorting: the boundary magnitudes are found by
 * quickselect (O(n)), then one pass keeps the entries whose rank falls in the range. Ranks are by
 * |value| ascending with ties broken by position (earlier first), so every selection is exact in
 * size and deterministic.
 */

/** The value of ascending rank `rank` among `values` (a scratch copy is reordered, not `values`). */
export function valueAtRank(values: Float32Array, rank: number): number {
  const work = values.slice();
  let low = 0;
  let high = work.length - 1;
  for (;;) {
    if (low >= high) return work[low] as number;
    const pivot = medianOfThree(work[low] as number, work[(low + high) >>> 1] as number, work[high] as number);
    // Three-way partition: [low, lt) < pivot, [lt, gt] == pivot, (gt, high] > pivot; many equal
    // magnitudes (zeros in a sparse delta) then cost one pass, not a quadratic walk.
    let lt = low;
    let gt = high;
    let i = low;
    while (i <= gt) {
      const value = work[i] as number;
      if (value < pivot) swap(work, lt++, i++);
      else if (value > pivot) swap(work, i, gt--);
      else i++;
    }
    if (rank < lt) high = lt - 1;
    else if (rank > gt) low = gt + 1;
    else return pivot;
  }
}

function medianOfThree(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

function swap(values: Float32Array, i: number, j: number): void {
  const held = values[i] as number;
  values[i] = values[j] as number;
  values[j] = held;
}

/** |values|, as float32 (the precision of the weights themselves). */
export function magnitudes(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.abs(values[i] as number);
  return out;
}

/**
 * A 0/1 mask keeping the entries of `values` whose magnitude rank is in [from, to) (0 = smallest).
 */
export function rankRangeMask(values: Float32Array, from: number, to: number): Uint8Array {
  const mask = new Uint8Array(values.length);
  if (to <= from) return mask;
  const mags = magnitudes(values);
  const lowValue = valueAtRank(mags, from);
  const highValue = valueAtRank(mags, to - 1);
  let belowLow = 0;
  let belowHigh = 0;
  for (const m of mags) {
    if (m < lowValue) belowLow++;
    if (m < highValue) belowHigh++;
  }
  // Entries equal to a boundary value take consecutive ranks in position order.
  let seenLow = 0;
  let seenHigh = 0;
  for (let i = 0; i < mags.length; i++) {
    const m = mags[i] as number;
    let rank: number;
    if (m === lowValue) rank = belowLow + seenLow++;
    else if (m === highValue) rank = belowHigh + seenHigh++;
    else if (m > lowValue && m < highValue) rank = from;
    else continue;
    if (rank >= from && rank < to) mask[i] = 1;
  }
  return mask;
}
