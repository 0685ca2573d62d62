import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';

export interface ListenOptions {
  port: number;
  hostname: string;
  /** Seconds the whole request (headers and body) may take to arrive; then Node answers 408 and closes. */
  requestTimeoutSeconds?: number;
}

/** Longest wait for the request headers (a slowloris client is dropped with 408 after this). */
export const HEADERS_TIMEOUT_MS = 10_000;

/**
 * Serves the app over HTTP with timeouts on what the client sends: a body that never arrives is
 * dropped with 408 within seconds instead of holding a connection. Used by the server and the tests.
 */
export function listen(app: Hono, opts: ListenOptions, onListening?: (port: number) => void): ServerType {
  const requestTimeout = (opts.requestTimeoutSeconds ?? 30) * 1000;
  return serve(
    {
      fetch: app.fetch,
      port: opts.port,
      hostname: opts.hostname,
      serverOptions: {
        requestTimeout,
        headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout),
        // How often Node checks those timeouts (its default, 30 s, would let a stalled body live that long).
        connectionsCheckingInterval: 1000,
      },
    },
    (info) => onListening?.(info.port),
  );
}
