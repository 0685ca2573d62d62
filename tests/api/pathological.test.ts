import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { pathologicalSites } from '../fixtures/pathological/inputs.ts';
import { describeEachDb } from '../helpers/databases.ts';
import { client } from '../helpers/http.ts';

const ANSWERS = 'tests/fixtures/pathological/answers.json';

interface Golden {
  status: number;
  code?: string;
  description?: string;
  site?: { areaSquareMeters: number; vertexCount: number; geometryType: string; conflictSquareMeters: number };
  conflicts?: [string, number][];
  warnings?: string[];
}

const near = (a: number, b: number) => Math.abs(a - b) <= 0.001 * Math.max(Math.abs(a), Math.abs(b), 1);

describeEachDb('pathological compliance sites (golden answers)', (t) => {
  test('each pathological site gets its named answer: 200 with the same figures, or the same 4xx and message', { timeout: 300_000 }, async () => {
    const { call } = client(t.db);
    const answers: Record<string, Golden> = process.env.REGEN ? {} : JSON.parse(readFileSync(ANSWERS, 'utf8'));
    for (const s of pathologicalSites()) {
      const a = await call('POST', '/api/analysis/compliance', { body: { geometry: s.geometry } });
      const got: Golden =
        a.status === 200
          ? {
              status: 200,
              site: { areaSquareMeters: a.body.site.areaSquareMeters, vertexCount: a.body.site.vertexCount, geometryType: a.body.site.geometryType, conflictSquareMeters: a.body.site.conflictSquareMeters },
              conflicts: a.body.conflicts.map((c: { id: string; overlapSquareMeters: number }) => [c.id, c.overlapSquareMeters]),
              warnings: a.body.warningDetails.map((w: { code: string }) => w.code),
            }
          : { status: a.status, code: a.body?.code, description: a.body?.description };
      if (process.env.REGEN) {
        answers[s.name] = got;
        continue;
      }
      const want = answers[s.name];
      assert.ok(want, `${s.name}: no golden answer in ${ANSWERS} (REGEN=1 writes them)`);
      assert.equal(got.status, want.status, `${s.name} (${s.what}): ${a.text.slice(0, 300)}`);
      if (want.status !== 200) {
        assert.deepEqual([got.code, got.description], [want.code, want.description], s.name);
        continue;
      }
      assert.equal(got.site!.vertexCount, want.site!.vertexCount, `${s.name}: vertices`);
      assert.equal(got.site!.geometryType, want.site!.geometryType, `${s.name}: geometry type`);
      assert.ok(near(got.site!.areaSquareMeters, want.site!.areaSquareMeters), `${s.name}: area ${got.site!.areaSquareMeters} vs ${want.site!.areaSquareMeters}`);
      assert.ok(near(got.site!.conflictSquareMeters, want.site!.conflictSquareMeters), `${s.name}: conflict area`);
      assert.deepEqual(got.conflicts!.map((c) => c[0]), want.conflicts!.map((c) => c[0]), `${s.name}: conflicts`);
      got.conflicts!.forEach((c, i) => assert.ok(near(c[1], want.conflicts![i][1]), `${s.name}: overlap with ${c[0]} ${c[1]} vs ${want.conflicts![i][1]}`));
      assert.deepEqual(got.warnings, want.warnings, `${s.name}: warnings`);
    }
    if (process.env.REGEN) writeFileSync(ANSWERS, `${JSON.stringify(answers, null, 1)}\n`);
  });

  test('the 100 000-vertex circle measures π r² (1.5 km) to within 0.01 %', async () => {
    const { call } = client(t.db);
    const circle = pathologicalSites().find((s) => s.name === 'circle-100k')!;
    const a = await call('POST', '/api/analysis/compliance', { body: { geometry: circle.geometry } });
    assert.equal(a.status, 200);
    const exact = Math.PI * 1500 ** 2;
    assert.ok(Math.abs(a.body.site.areaSquareMeters - exact) / exact < 1e-4, `${a.body.site.areaSquareMeters} vs ${exact}`);
  });
});
