import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ForgeError } from '@agent-forge/core';

/** A file the page needs: its body and content type. */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/**
 * The page is plain HTML + JS (no build step) in `src/dashboard/public/dashboard/`; the build copies it
 * to `dist/dashboard/`. Code runs from `src/` under vitest and from `dist/` when installed, so the
 * package root is found by walking up, and the source copy wins when both exist.
 */
function pageDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const candidates = [
        path.join(dir, 'src', 'dashboard', 'public', 'dashboard'),
        path.join(dir, 'dist', 'dashboard'),
      ];
      const found = candidates.find((candidate) => existsSync(path.join(candidate, 'index.html')));
      if (found) return found;
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new ForgeError(
        'dashboard page files (dist/dashboard/index.html) not found in the @agent-forge/cli package',
      );
    dir = parent;
  }
}

/** Chart.js's self-contained UMD bundle, served as the package manager installed it. */
function chartJsFile(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return path.join(path.dirname(main), 'chart.umd.min.js');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Every static file by URL path, read once at startup. */
export function loadAssets(): Map<string, Asset> {
  const staticDir = pageDir();
  const files: Array<[string, string]> = [
    ['/', path.join(staticDir, 'index.html')],
    ['/app.js', path.join(staticDir, 'app.js')],
    ['/charts.js', path.join(staticDir, 'charts.js')],
    ['/style.css', path.join(staticDir, 'style.css')],
    ['/vendor/chart.umd.min.js', chartJsFile()],
  ];
  return new Map(
    files.map(([url, file]) => [
      url,
      { body: readFileSync(file), type: TYPES[path.extname(file)] ?? 'application/octet-stream' },
    ]),
  );
}
