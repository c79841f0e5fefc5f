import { dropRandomly } from '../kernels/sparsify.js';
import { taskVectorMethod, type TaskVectorMethodSpec } from './task-vector-family.js';

/**
 * DARE (Yu et al. 2024, arXiv:2311.03099): keep each task-vector entry with probability `density`
 * (drop rate p = 1 − density) and rescale, then combine with TIES sign election (`dare`,
 * `dare_ties`) or plainly (`dare_linear`). Rescale default `inverse` = the paper's 1/(1 − p), which
 * keeps each entry's expected value; mergekit's `rescale: true` is `l1` here. Draws come from the
 * config's seed, per tensor and model.
 */
const dareSpec: Omit<TaskVectorMethodSpec, 'name' | 'displayName' | 'referenceUrl' | 'summary'> = {
  reference: 'Yu et al. 2024, Language models are Super Mario (DARE), arXiv:2311.03099',
  consensus: 'sum',
  defaultNormalize: false,
  defaultRescale: 'inverse',
  sparsifier: {
    parameters: {},
    apply: (delta, { params, inverse, rng }) => dropRandomly(delta, params.density, inverse, rng),
  },
};

export const dare = taskVectorMethod({
  ...dareSpec,
  name: 'dare',
  displayName: 'DARE',
  referenceUrl: 'https://arxiv.org/abs/2311.03099',
  summary: 'random drop + 1/(1−p) rescale, then TIES sign election',
});
export const dareTies = taskVectorMethod({
  ...dareSpec,
  name: 'dare_ties',
  displayName: 'DARE TIES',
  referenceUrl: 'https://arxiv.org/abs/2311.03099',
  summary: 'alias of dare (mergekit name)',
});
export const dareLinear = taskVectorMethod({
  ...dareSpec,
  consensus: undefined,
  name: 'dare_linear',
  displayName: 'Linear DARE',
  referenceUrl: 'https://arxiv.org/abs/2311.03099',
  summary: 'random drop + 1/(1−p) rescale, then task arithmetic',
});
