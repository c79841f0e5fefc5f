import { z } from 'zod';
import { keepMiddleMagnitudes } from '../kernels/sparsify.js';
import { taskVectorMethod, type Sparsifier } from './task-vector-family.js';

/**
 * Model Breadcrumbs (Davari & Belilovsky 2023, arXiv:2312.06795): drop the largest `gamma` fraction
 * of each task vector (outliers) and the smallest, keeping `density`. mergekit defaults: gamma 0.01,
 * no normalisation; `breadcrumbs_ties` adds TIES sign election. When ⌊gamma·n⌋ = 0 (the default gamma
 * on tensors under 100 entries) mergekit keeps an empty slice and zeroes the task vector; here no
 * outlier is dropped and the top density stays (an intentional difference, see docs/phases/evomerge.md).
 */
const BREADCRUMBS_PAPER = 'Davari & Belilovsky 2023, Model Breadcrumbs, arXiv:2312.06795';

const outliers: Sparsifier = {
  parameters: { gamma: z.number().min(0).max(1).default(0.01) },
  apply: (delta, { params, inverse }) => keepMiddleMagnitudes(delta, params.density, params.gamma as number, inverse),
};

export const breadcrumbs = taskVectorMethod({
  name: 'breadcrumbs',
  displayName: 'Model Breadcrumbs',
  referenceUrl: 'https://arxiv.org/abs/2312.06795',
  reference: BREADCRUMBS_PAPER,
  summary: 'drop the largest (gamma) and smallest magnitudes, then task arithmetic',
  defaultNormalize: false,
  defaultRescale: 'none',
  sparsifier: outliers,
});

export const breadcrumbsTies = taskVectorMethod({
  name: 'breadcrumbs_ties',
  displayName: 'Model Breadcrumbs with TIES',
  referenceUrl: 'https://arxiv.org/abs/2312.06795',
  reference: BREADCRUMBS_PAPER,
  summary: 'breadcrumbs with TIES sign election',
  consensus: 'sum',
  defaultNormalize: false,
  defaultRescale: 'none',
  sparsifier: outliers,
});
