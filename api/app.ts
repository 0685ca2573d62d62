import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { cors } from 'hono/cors';
import { compression } from './compress.ts';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import { edge } from './edge.ts';
import { AnalysisQueue, analysisSlot } from './limiter.ts';
import { apiError, renderError } from './errors.ts';
import { authenticate, defaultAnonymousRead } from './auth/middleware.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { collectionRoutes, landingPage } from './routes/collections.ts';
import { importRoutes } from './routes/imports.ts';
import { featureRoutes } from './routes/features.ts';
import { reviewRoutes } from './routes/reviews.ts';
import { versionRoutes } from './routes/versions.ts';
import { tileRoutes } from './routes/tiles.ts';
import { exportRoutes } from './routes/export.ts';
import { complianceRoutes } from './routes/compliance.ts';
import { coverageRoutes } from './routes/coverage.ts';
import { JobRunner, preferences, type JobOptions } from './jobs.ts';
import { coverageJobs, jobRoutes } from './routes/jobs.ts';
import type { LayerReviewJobOptions } from './layer-review.ts';
import { basemaps, metaRoutes } from './routes/meta.ts';
import { basemapPackageRoutes } from './routes/basemap-packages.ts';
import type { BasemapPackage } from './basemap-packages.ts';

/** Largest request body the API reads (a site with ~100 000 vertices fits). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface AppDeps {
  db: Db;
  config: Pick<Config, 'BASEMAPS' | 'TIANDITU_TOKEN'> &
    Partial<Pick<Config, 'BASEMAP_URLS' | 'HOST' | 'PUBLIC_URL' | 'ALLOWED_HOSTS' | 'CORS_ORIGINS' | 'ANALYSIS_CONCURRENCY' | 'ANALYSIS_TIMEOUT_SECONDS' | 'ANONYMOUS_READ' | 'IMPORT_MAX_BYTES' | 'IMPORT_MAX_FEATURES'>>;
  /** The office's basemap packages (BASEMAP_FILE), opened by `openBasemapPackages` before the app is built. */
  basemapPackages?: BasemapPackage[];
  /** Folder of the built web app to serve at `/`; omitted in API tests. */
  webDir?: string;
  /** Limits of analysis jobs (tests make them small). */
  jobs?: Partial<JobOptions & LayerReviewJobOptions>;
}

/** Builds the app (API under /api, the web app at /); no I/O happens here. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.onError(renderError);
  const { config } = deps;
  // Outermost, so every body (API, pages, the web app's scripts) is compressed once it is built.
  app.use('*', compression());
  // Only on methods with a body: touching the body of a GET would make node-server build a full Request.
  // Uploads for import have their own, larger limit (IMPORT_MAX_BYTES).
  const importLimits = { maxBytes: config.IMPORT_MAX_BYTES ?? 200 * 1024 * 1024, maxFeatures: config.IMPORT_MAX_FEATURES ?? 500_000 };
  const jsonLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => apiError(413, 'PayloadTooLarge', `Request body larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`),
  });
  const uploadLimit = bodyLimit({
    // The multipart wrapping adds a little to the file itself.
    maxSize: importLimits.maxBytes + 64 * 1024,
    onError: () => apiError(413, 'PayloadTooLarge', `The upload is larger than ${(importLimits.maxBytes / 1024 / 1024).toFixed(0)} MB (IMPORT_MAX_BYTES).`),
  });
  app.on(['POST', 'PUT', 'PATCH'], '/api/*', (c, next) => (c.req.path === '/api/imports' ? uploadLimit(c, next) : jsonLimit(c, next)));
  // Security headers on every response; the CSP allows only this origin and the enabled basemaps' tile hosts.
  const tileOrigins = [...new Set(basemaps(config).flatMap((b) => [...b.tiles, ...(b.labelTiles ?? [])]).map((u) => new URL(u).origin))];
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // MapLibre and the panels set element styles; no inline scripts are allowed.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...tileOrigins],
        connectSrc: ["'self'", ...tileOrigins],
        workerSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  // After the body limit, so the edge reads at most MAX_BODY_BYTES.
  app.use(
    '*',
    edge({
      listenHost: config.HOST,
      allowedHosts: [...(config.ALLOWED_HOSTS ?? []), ...(config.PUBLIC_URL ? [new URL(config.PUBLIC_URL).hostname] : [])],
      corsOrigins: config.CORS_ORIGINS,
    }),
  );
  // CORS as configured: the listed web origins may read and write (with their cookies); `*` lets any page read without them.
  const corsOrigins = new Set((config.CORS_ORIGINS ?? []).map((o) => o.replace(/\/$/, '').toLowerCase()));
  if (corsOrigins.size) {
    app.use(
      '/api/*',
      cors({
        origin: (origin) => (corsOrigins.has(origin.toLowerCase()) ? origin : corsOrigins.has('*') ? '*' : null),
        // A browser sends cookies only to an origin named exactly; with `*` it reads without them.
        credentials: true,
        allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowHeaders: ['Content-Type', 'Authorization', 'If-Match', 'If-None-Match', 'X-Change-Reason', 'Content-Crs', 'Accept', 'Prefer'],
        exposeHeaders: ['ETag', 'Location', 'Content-Crs', 'Retry-After', 'Preference-Applied'],
        maxAge: 600,
      }),
    );
  }
  // Who the request is (session cookie or bearer token) and what an anonymous request may read.
  app.use('/api/*', authenticate(deps.db, config.ANONYMOUS_READ ?? defaultAnonymousRead(config.HOST)));
  // The analyses hold a slot of one queue: the embedded database has one connection, so one at a time there.
  const queue = new AnalysisQueue({
    concurrency: config.ANALYSIS_CONCURRENCY ?? (deps.db.kind === 'pglite' ? 1 : 4),
    maxWaiting: 16,
    maxWaitMs: 30_000,
    statementTimeoutMs: (config.ANALYSIS_TIMEOUT_SECONDS ?? 60) * 1000,
  });
  // A coverage request that prefers to respond asynchronously runs as a job, which takes its own slot.
  app.post('/api/analysis/*', analysisSlot(queue, (c) => c.req.path === '/api/analysis/coverage' && preferences(c.req.header('prefer')).respondAsync));
  app.get('/api/analysis/compliance/projects', analysisSlot(queue));
  app.get('/api/analysis/compliance/collections/*', analysisSlot(queue));
  app.get('/api/analysis/coverage/network/*', analysisSlot(queue));
  // OWSLib asks for the landing page with a trailing slash.
  app.get('/api/', landingPage);
  app.route('/api', collectionRoutes(deps.db, undefined, { ...queue.opts, bodyBytes: MAX_BODY_BYTES }));
  app.route('/api', featureRoutes(deps.db));
  app.route('/api', tileRoutes(deps.db));
  app.route('/api', versionRoutes(deps.db));
  app.route('/api', exportRoutes(deps.db));
  app.route('/api', authRoutes(deps.db));
  app.route('/api', auditRoutes(deps.db));
  app.route('/api', reviewRoutes(deps.db));
  app.route('/api', metaRoutes(deps.db, deps.config, deps.basemapPackages));
  app.route('/api', basemapPackageRoutes(deps.basemapPackages ?? []));
  // Long analyses as jobs: one layer review runs at a time (two on a server), four wait; each chunk takes a slot of the queue.
  // Coverage jobs, counted apart (not behind a review of minutes), run as many at once and wait as many as the queue's analyses.
  const jobs = new JobRunner({
    concurrency: Math.max(1, Math.floor(queue.opts.concurrency / 2)),
    maxQueued: 4,
    // A user's own: one review running and one waiting; coverage jobs four (the panel runs one at a time and cancels the one it replaces).
    perOwner: 2,
    keepFinished: 20,
    keepMs: 3_600_000,
    kinds: { coverage: { concurrency: queue.opts.concurrency, maxQueued: queue.opts.maxWaiting, perOwner: 4 } },
    ...deps.jobs,
  });
  const jobOptions = { chunkSites: 500, statementTimeoutMs: queue.opts.statementTimeoutMs, ...deps.jobs };
  app.route('/api', complianceRoutes(deps.db));
  app.route('/api', coverageRoutes(deps.db, coverageJobs(deps.db, jobs, queue, jobOptions)));
  app.route('/api', jobRoutes(deps.db, jobs, queue, jobOptions));
  app.route('/api', importRoutes(deps.db, importLimits));
  app.all('/api/*', (c) => {
    // A known path asked with another method is a 405 that names the allowed ones.
    const allowed = [...new Set(app.routes.filter((r) => r.method !== 'ALL' && routePattern(r.path).test(c.req.path)).map((r) => r.method))];
    // The method is allowed but the path differs (a trailing slash): a 404 that names the path to use.
    if (allowed.includes(c.req.method) && c.req.path.endsWith('/')) {
      apiError(404, 'NotFound', `No API endpoint ${c.req.method} ${c.req.path}; without the trailing slash: ${c.req.path.replace(/\/+$/, '')}.`);
    }
    if (allowed.length) {
      apiError(405, 'MethodNotAllowed', `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(' or ')}.`, { Allow: allowed.join(', ') });
    }
    apiError(404, 'NotFound', `No API endpoint ${c.req.method} ${c.req.path}. See /api for the links.`);
  });
  if (deps.webDir) {
    const root = deps.webDir;
    app.use('/*', serveStatic({ root }));
    // The map keeps its state in the hash, so any other path gets the app shell.
    app.get('*', serveStatic({ root, path: 'index.html' }));
  }
  return app;
}

/** A route path such as `/api/collections/:id/items` as a regular expression for a whole path. */
function routePattern(path: string): RegExp {
  const escaped = path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+');
  return new RegExp(`^${escaped}/?$`);
}
