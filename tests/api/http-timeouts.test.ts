import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { after, before, describe, mock, test } from 'node:test';
import type { ServerType } from '@hono/node-server';
import { createApp } from '../../api/app.ts';
import type { Db } from '../../api/db/db.ts';
import { listen } from '../../api/listen.ts';
import { openDatabase } from '../../api/open-db.ts';
import { testDbConfig } from '../helpers/db-snapshot.ts';

/** Sends raw bytes, optionally closing early; resolves with what the server answered (until it closes). */
function raw(port: number, chunks: string[], opts: { closeAfterMs?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let got = '';
    sock.on('data', (d) => (got += d));
    sock.on('close', () => resolve(got));
    sock.on('error', () => resolve(got));
    sock.on('connect', () => {
      for (const c of chunks) sock.write(c);
      if (opts.closeAfterMs !== undefined) setTimeout(() => sock.destroy(), opts.closeAfterMs);
    });
  });
}

describe('server timeouts and aborted requests', () => {
  let db: Db;
  let server: ServerType;
  let port: number;
  before(async () => {
    db = await openDatabase(testDbConfig());
    server = await new Promise<ServerType>((resolve) => {
      const s = listen(createApp({ db, config: { BASEMAPS: [] } }), { port: 0, hostname: '127.0.0.1', requestTimeoutSeconds: 1.5 }, () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await db.close();
  });

  test('a body that never arrives is dropped with 408', async () => {
    const head = `POST /api/analysis/coverage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    const answer = await raw(port, [head, '{"preset":']);
    assert.match(answer, /^HTTP\/1\.1 408 /, answer.slice(0, 200));
  });

  test('headers that never end are dropped with 408', async () => {
    const answer = await raw(port, ['GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n']);
    assert.match(answer, /^HTTP\/1\.1 408 /, answer.slice(0, 200));
  });

  test('a client that disconnects mid-body is not a 500 in the log', async () => {
    const errors = mock.method(console, 'error', () => {});
    try {
      const head = `POST /api/analysis/compliance HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n`;
      await raw(port, [head, '{"geometry":{"type":"Polygon","coordinates":[[[111.7,40.8],'], { closeAfterMs: 100 });
      await new Promise((r) => setTimeout(r, 300));
      const logged = errors.mock.calls.map((c) => c.arguments.map(String).join(' '));
      assert.ok(!logged.some((l) => /^500 /.test(l)), logged.join('\n'));
    } finally {
      errors.mock.restore();
    }
    // And the server serves the next request normally.
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    assert.equal(res.status, 200);
  });
});
