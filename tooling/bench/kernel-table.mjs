// One tf.profile, summed per kernel name: what profile.mjs, decode-profile.mjs and forward-profile.mjs print.

/** Per kernel name, its calls and total ms, the largest first; and the total ms over all kernels. */
export function kernelsByName(profile) {
  const byKernel = new Map();
  for (const kernel of profile.kernels) {
    const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
    entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
    entry.calls += 1;
    byKernel.set(kernel.name, entry);
  }
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
  return { rows, total: rows.reduce((sum, [, entry]) => sum + entry.ms, 0) };
}

/** The first `limit` kernels as a markdown table, ms with `digits` decimals. */
export function kernelTable({ rows, total }, limit, digits) {
  const lines = ['| kernel | calls | ms | share |', '|---|---:|---:|---:|'];
  for (const [name, { ms, calls }] of rows.slice(0, limit))
    lines.push(`| ${name} | ${calls} | ${ms.toFixed(digits)} | ${((100 * ms) / total).toFixed(1)} % |`);
  return lines.join('\n');
}
