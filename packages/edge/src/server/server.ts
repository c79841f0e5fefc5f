/**
 * `forge serve`: an OpenAI-compatible HTTP server on node:http. No framework: five routes, JSON bodies
 * and server-sent events are a few lines each, and a dependency would add nothing the client needs.
 * Bound to 127.0.0.1 unless told otherwise. Every request is validated before it queues; a failure is
 * answered with a JSON error and never takes the server down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EdgeEngine } from '../engine.js';
import { HttpError, errorBody, readJsonBody, sendEvent, sendJson } from './http-io.js';
import { modelIds, modelList, prepareChat, prepareCompletion, respond } from './openai-api.js';

/** Settings of {@link serveModel}. */
export interface ServeOptions {
  /** Default 127.0.0.1: only this machine can connect. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Largest request body accepted. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Called with each handled request, e.g. for a log line. */
  readonly onRequest?: (line: string) => void;
}

/** A listening server returned by {@link serveModel}. */
export interface RunningServer {
  /** The underlying node:http server. */
  readonly server: Server;
  /** e.g. `http://127.0.0.1:8080` */
  readonly url: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** Drops open connections (in-flight streams too) and stops listening. */
  close(): Promise<void>;
}

type Handler = (
  engine: EdgeEngine,
  request: IncomingMessage,
  response: ServerResponse,
  options: Required<Omit<ServeOptions, 'onRequest' | 'host' | 'port'>>,
) => Promise<void>;

function generationRoute(kind: 'text' | 'chat'): Handler {
  return async (engine, request, response, options) => {
    const body = await readJsonBody(request, options.maxBodyBytes);
    const disconnected = new AbortController();
    // A client that hangs up stops its generation (or skips it, if it is still queued).
    response.on('close', () => {
      if (!response.writableFinished) disconnected.abort();
    });
    const prepare = kind === 'chat' ? prepareChat : prepareCompletion;
    await respond(engine, prepare(engine, body, disconnected.signal), kind, response);
  };
}

function routes(created: number): Record<string, Handler> {
  return {
    'GET /health': (engine, _request, response) => {
      sendJson(response, 200, {
        status: 'ok',
        model: engine.edgeModel.id,
        kind: engine.edgeModel.kind,
        models: modelIds(engine),
        queued: engine.pending,
      });
      return Promise.resolve();
    },
    'GET /v1/models': (engine, _request, response) => {
      sendJson(response, 200, modelList(engine, created));
      return Promise.resolve();
    },
    'POST /v1/completions': generationRoute('text'),
    'POST /v1/chat/completions': generationRoute('chat'),
  };
}

function answerError(response: ServerResponse, error: unknown): void {
  const status = error instanceof HttpError ? error.status : 500;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof HttpError ? error.code : 'internal_error';
  const param = error instanceof HttpError ? error.param : null;
  if (!response.headersSent) sendJson(response, status, errorBody(status, message, code, param));
  else if (!response.writableEnded) {
    // Mid-stream: the status is already 200, so the error travels as an event.
    sendEvent(response, errorBody(status, message, code, param));
    response.end();
  }
}

/** Starts the server; resolves once it listens. */
export async function serveModel(engine: EdgeEngine, options: ServeOptions): Promise<RunningServer> {
  const table = routes(Math.floor(Date.now() / 1000));
  const settings = { maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024 };
  const server = createServer((request, response) => {
    const route = `${request.method ?? 'GET'} ${(request.url ?? '/').split('?')[0] ?? '/'}`;
    const handler = table[route];
    const started = performance.now();
    const work = handler
      ? handler(engine, request, response, settings)
      : Promise.reject(new HttpError(404, `no route ${route}`, 'not_found'));
    work
      .catch((error: unknown) => answerError(response, error))
      .finally(() => {
        options.onRequest?.(`${route} ${response.statusCode} ${(performance.now() - started).toFixed(0)} ms`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    port: address.port,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
