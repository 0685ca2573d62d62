/**
 * Issue 14: the browser's network what-if counts a new facility's gain on the gap cells of the shown
 * result (core/analysis/coverage-grid.ts, 10 m cells) instead of the exact overlay the server makes
 * (the reached streets buffered, unioned and cut from the gaps in PostGIS). On the synthetic 100 m
 * grid network, with one existing facility in the middle, the grid's gain of new facilities at 300 and
 * 500 m — inside the gaps, at the edge of the covered area and half off the site — is within 1 % of
 * the server's exact gain for the same facility — on the grid as drawn, and turned by 30° (its
 * streets slant across the cells).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createApp } from '../../api/app.ts';
import { browserNetwork, networkWhatIf, whatIfGrid } from '../../web/src/coverage/network-what-if.ts';
import { resultFromResponse } from '../../web/src/coverage/what-if.ts';
import { commitLayer, feature, line, point, rect } from '../helpers/coverage-layers.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { testUser } from '../helpers/users.ts';

/** The grid gain is within this share of the server's exact gain. */
const TOLERANCE = 0.01;

function gridLines(x0: number, x1: number, y0: number, y1: number) {
  const out = [];
  for (let x = x0; x <= x1; x += 100) out.push(feature(line([x, y0], [x, y1])));
  for (let y = y0; y <= y1; y += 100) out.push(feature(line([x0, y], [x1, y])));
  return out;
}

/** A 100 m grid turned by `degrees` about (1000, 1000), 3 km each way: its streets slant across the cells. */
function turnedGridLines(degrees: number) {
  const a = (degrees * Math.PI) / 180;
  const turn = (x: number, y: number): [number, number] => [1000 + x * Math.cos(a) - y * Math.sin(a), 1000 + x * Math.sin(a) + y * Math.cos(a)];
  const out = [];
  for (let k = -15; k <= 15; k++) {
    out.push(feature(line(turn(k * 100, -1500), turn(k * 100, 1500))));
    out.push(feature(line(turn(-1500, k * 100), turn(1500, k * 100))));
  }
  return out;
}

// Isolated: its layers (gg_*) would show in the other suites' lists of collections on the shared server.
describeEachDb('the network what-if on gap cells against the server’s exact gain (issue 14)', (t) => {
  let app: ReturnType<typeof createApp>;
  let auth: Record<string, string>;
  const post = async (body: unknown) => {
    const res = await app.request('/api/analysis/coverage', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as any;
    assert.equal(res.status, 200, JSON.stringify(json).slice(0, 400));
    return json;
  };

  before(async () => {
    app = createApp({ db: t.db, config: { BASEMAPS: [] } });
    auth = (await testUser(t.db, 'planner')).auth;
    await commitLayer(app, auth, 'gg_net', 'reference', gridLines(0, 2000, 0, 2000));
    await commitLayer(app, auth, 'gg_site', 'area', [feature(rect(0, 0, 2000, 2000))]);
    await commitLayer(app, auth, 'gg_turned', 'reference', turnedGridLines(30));
    await commitLayer(app, auth, 'gg_fac', 'facility', [feature(point(1000, 1000), { type: 'test' })]);
  });

  for (const [network, radius] of [['gg_net', 300], ['gg_net', 500], ['gg_turned', 300], ['gg_turned', 500]] as const) {
    test(`${network}, ${radius} m: the grid's gain of a new facility is within ${TOLERANCE * 100} % of the server's exact gain`, async () => {
      const body = { facilities: 'gg_fac', radiusMeters: radius, area: 'gg_site', method: 'network', network };
      const base = await post(body);
      const net = await browserNetwork({ coverageNetwork: async (id: string) => (await app.request(`/api/analysis/coverage/network/${id}`, { headers: auth })).json() } as never, network, base.network.version);
      assert.ok(net.graph);
      const figures = resultFromResponse(base);
      // In the gaps; beside the covered centre (overlapping it); on the site's edge (half off it); mid-street.
      const places: [number, number][] = [[400, 400], [1000, 1000 + radius + 50], [1950, 600], [1430, 1700]];
      const rows: string[] = [];
      for (const [x, y] of places) {
        const p = point(x, y) as { type: 'Point'; coordinates: [number, number] };
        const { grid } = whatIfGrid(figures);
        const est = networkWhatIf(net, grid, figures, p, radius);
        const exact = (await post({ ...body, extraFacilities: [p] })).extraFacilities[0].gainSquareMeters;
        const gain = est.figures.gainsSquareMeters[0];
        const err = (gain - exact) / exact;
        rows.push(`(${x}, ${y}): grid ${Math.round(gain)} m², exact ${Math.round(exact)} m², ${(err * 100).toFixed(2)} %`);
        assert.ok(exact > 10_000, `(${x}, ${y}) gains ${exact} m²`);
        assert.ok(Math.abs(err) <= TOLERANCE, rows.join('; '));
      }
      console.log(`# ${t.kind} ${network} ${radius} m: ${rows.join('; ')}`);
    });
  }
}, { isolated: true });
