import { Tracker } from '../../packages/core/dist/index.js';
const runDir = process.argv[2] ?? 'synthetic';
const tracker = await Tracker.open(['run-store', 'tensorboard'], { runDir, runId: 'synthetic' });
const values = [0, -1.5, 3.4028234663852886e38, 1e-45, 123456.789, -0.0, 2 ** 31, Math.PI, NaN, Infinity, -Infinity];
for (const [i, v] of values.entries()) tracker.metric('edge-cases', i * 1000003, 'loss/train', v);
for (let s = 0; s < 500; s++) tracker.metric('forge-train', s, 'grad_norm', Math.sin(s / 10));
tracker.metric('forge-train', 1, 'ünïcode/μ', 42);
await tracker.close();
console.log('ok');
