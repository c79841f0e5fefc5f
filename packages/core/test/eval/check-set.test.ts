import { describe, expect, it } from 'vitest';
import { SPECIAL_IDS, checkSetWindows, heldOutWindows } from '../../src/index.js';
import type { TokenWindows } from '../../src/index.js';

describe('checkSetWindows', () => {
  /** Documents of distinct token ids (none is `<eos>`), so a token id names its place in the held-out stream. */
  const documents = [0, 1, 2, 3, 4, 5].map((d) => Int32Array.from({ length: 11 }, (_, i) => 100 + 11 * d + i));
  /** The tokens a set of windows predicts: every column but the first of every row. */
  const targets = (w: TokenWindows) =>
    [...w.tokens].filter((_, i) => i % w.cols !== 0).filter((token) => token !== SPECIAL_IDS.eos);

  it('never predicts a token the reported windows predict, and follows them in the same stream', () => {
    const reported = heldOutWindows(documents, 8, SPECIAL_IDS.eos, 3);
    const check = checkSetWindows(documents, 8, reported.rows, 'handOnBest');
    expect(check.rows).toBe(3);
    expect(check.cols).toBe(reported.cols);
    const reportedTargets = new Set(targets(reported));
    expect(targets(check).filter((token) => reportedTargets.has(token))).toEqual([]);
    // Its first window starts where the last reported window ends (the shared token is context, not a target).
    expect(check.tokens[0]).toBe(reported.tokens[reported.rows * reported.cols - 1]);
  });

  it('takes what is left when the stream is short, and names the field when nothing is', () => {
    const reported = heldOutWindows(documents, 16, SPECIAL_IDS.eos, 3); // 71 tokens: 4 windows of 16
    expect(checkSetWindows(documents, 16, reported.rows, 'handOnBest').rows).toBe(1);
    expect(() => checkSetWindows(documents, 16, 4, 'phases.x.handOnBest')).toThrow(/phases\.x\.handOnBest/);
  });
});
