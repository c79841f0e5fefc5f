import { keepTopMagnitudes } from '../kernels/sparsify.js';
import { taskVectorMethod } from './task-vector-family.js';

/**
 * TIES-Merging (Yadav et al. 2023, arXiv:2306.01708): trim each task vector to its top `density`
 * magnitudes, elect each entry's sign by total mass (`consensus: sum`; `count` is a plain majority
 * vote), and average only the entries that agree (the disjoint mean, weighted by `weight`).
 * Defaults as mergekit's `ties`: normalize true, density 1 (no trim: set it, the paper uses 0.2).
 */
export const ties = taskVectorMethod({
  name: 'ties',
  displayName: 'TIES',
  referenceUrl: 'https://arxiv.org/abs/2306.01708',
  reference: 'Yadav et al. 2023, TIES-Merging, arXiv:2306.01708',
  summary: 'trim to top-density magnitudes, elect signs by mass, disjoint mean',
  consensus: 'sum',
  defaultNormalize: true,
  defaultRescale: 'none',
  sparsifier: {
    parameters: {},
    apply: (delta, { params, inverse }) => keepTopMagnitudes(delta, params.density, inverse),
  },
});
