/** Small dense helpers (row-major Float64Array) for the per-seed least squares of SeedLM. */

/** Pseudo-inverse (UᵀU)⁻¹Uᵀ of a full-column-rank `rows × cols` matrix, `cols × rows`; undefined when singular. */
export function pseudoInverse(u: Float64Array, rows: number, cols: number): Float64Array | undefined {
  const gram = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += (u[r * cols + i] as number) * (u[r * cols + j] as number);
      gram[i * cols + j] = sum;
    }
  }
  const inverse = invert(gram, cols);
  if (inverse === undefined) return undefined;
  const out = new Float64Array(cols * rows);
  for (let i = 0; i < cols; i++) {
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let k = 0; k < cols; k++) sum += (inverse[i * cols + k] as number) * (u[r * cols + k] as number);
      out[i * rows + r] = sum;
    }
  }
  return out;
}

/** Gauss–Jordan inverse with partial pivoting; undefined when (near) singular. */
export function invert(matrix: Float64Array, n: number): Float64Array | undefined {
  const a = matrix.slice();
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(a[r * n + col] as number) > Math.abs(a[pivot * n + col] as number)) pivot = r;
    const p = a[pivot * n + col] as number;
    if (Math.abs(p) < 1e-12) return undefined;
    swapRows(a, n, col, pivot);
    swapRows(inv, n, col, pivot);
    for (let k = 0; k < n; k++) {
      a[col * n + k] = (a[col * n + k] as number) / p;
      inv[col * n + k] = (inv[col * n + k] as number) / p;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = a[r * n + col] as number;
      if (factor === 0) continue;
      for (let k = 0; k < n; k++) {
        a[r * n + k] = (a[r * n + k] as number) - factor * (a[col * n + k] as number);
        inv[r * n + k] = (inv[r * n + k] as number) - factor * (inv[col * n + k] as number);
      }
    }
  }
  return inv;
}

function swapRows(a: Float64Array, n: number, i: number, j: number): void {
  if (i === j) return;
  for (let k = 0; k < n; k++) {
    const t = a[i * n + k] as number;
    a[i * n + k] = a[j * n + k] as number;
    a[j * n + k] = t;
  }
}
