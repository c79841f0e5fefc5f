// Renders docs/pipeline.dot to docs/pipeline.svg with GraphViz when `dot` is installed; says so and
// succeeds when it is not (the .dot file is the source, the SVG a convenience).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const docs = path.resolve(import.meta.dirname, '..', 'docs');
const result = spawnSync('dot', ['-Tsvg', path.join(docs, 'pipeline.dot'), '-o', path.join(docs, 'pipeline.svg')], {
  stdio: 'inherit',
});
if (result.error && result.error.code === 'ENOENT')
  console.log('dot (GraphViz) is not installed: docs/pipeline.svg was not re-rendered');
else if (result.status !== 0) process.exit(result.status ?? 1);
else console.log('rendered docs/pipeline.svg');
