import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isForgeError } from '@agent-forge/core';
import { loadAssets } from './assets.js';
import type { Asset } from './assets.js';
import { readQueuePanel } from './queue-panel.js';
import { listRuns, readRunView } from './run-data.js';

export interface DashboardOptions {
  readonly runsDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Loopback only by default: the page shows file paths and configs of local runs. */
  readonly host?: string;
  /** The queue URL (with its password) for runs that used a queue; default: the address each run recorded. */
  readonly queue?: string;
}

export interface Dashboard {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

function sendError(res: ServerResponse, error: unknown): void {
  sendJson(res, isForgeError(error) ? 404 : 500, { error: error instanceof Error ? error.message : String(error) });
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: DashboardOptions,
  assets: Map<string, Asset>,
): void {
  const { runsDir } = options;
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'only GET and HEAD' });
  const queue = /^\/api\/runs\/([^/]+)\/queue$/.exec(url.pathname);
  if (queue) {
    readQueuePanel(runsDir, decodeURIComponent(queue[1] ?? ''), options.queue).then(
      (panel) => sendJson(res, 200, panel),
      (error: unknown) => sendError(res, error),
    );
    return;
  }
  try {
    if (url.pathname === '/api/runs') return sendJson(res, 200, listRuns(runsDir));
    const run = /^\/api\/runs\/([^/]+)$/.exec(url.pathname);
    if (run) return sendJson(res, 200, readRunView(runsDir, decodeURIComponent(run[1] ?? '')));
  } catch (error) {
    return sendError(res, error);
  }
  const asset = assets.get(url.pathname === '/index.html' ? '/' : url.pathname);
  if (!asset) return sendJson(res, 404, { error: `nothing at ${url.pathname}` });
  res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
  res.end(asset.body);
}

/** Serve the dashboard: the page, Chart.js, and a JSON API over the runs directory (read fresh per request). */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const assets = loadAssets();
  const server: Server = createServer((req, res) => handle(req, res, options, assets));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
