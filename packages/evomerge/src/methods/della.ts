import { z } from 'zod';
import { dellaMagprune } from '../kernels/della.js';
import { taskVectorMethod, type Sparsifier } from './task-vector-family.js';

/**
 * DELLA (Deep et al. 2024, arXiv:2406.11617): MagPrune drop probabilities that fall with magnitude
 * rank (kernels/della.ts), rescale, then TIES sign election (`della`) or plain sum (`della_linear`).
 * mergekit defaults: epsilon 0.15, normalize true for `della`; rescale here defaults to the paper's
 * per-entry 1/p (`inverse`) rather than mergekit's L1 matching (`l1`).
 */
const DELLA_PAPER = 'Deep et al. 2024, DELLA-Merging, arXiv:2406.11617';

const magprune: Sparsifier = {
  parameters: { epsilon: z.number().min(0).max(0.5).default(0.15) },
  apply: (delta, { shape, params, inverse, rng }) =>
    dellaMagprune(delta, shape, params.density, params.epsilon as number, inverse, rng),
};

export const della = taskVectorMethod({
  name: 'della',
  displayName: 'DELLA',
  referenceUrl: 'https://arxiv.org/abs/2406.11617',
  reference: DELLA_PAPER,
  summary: 'magnitude-ranked random drop (MagPrune) + rescale, then TIES sign election',
  consensus: 'sum',
  defaultNormalize: true,
  defaultRescale: 'inverse',
  sparsifier: magprune,
});

export const dellaLinear = taskVectorMethod({
  name: 'della_linear',
  displayName: 'Linear DELLA',
  referenceUrl: 'https://arxiv.org/abs/2406.11617',
  reference: DELLA_PAPER,
  summary: 'MagPrune + rescale, then task arithmetic',
  defaultNormalize: false,
  defaultRescale: 'inverse',
  sparsifier: magprune,
});
