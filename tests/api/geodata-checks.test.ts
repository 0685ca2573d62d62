import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGeodata } from '../../api/import/check-geodata.ts';
import { describeEachDb } from '../helpers/databases.ts';

describeEachDb('geodata checks (npm run check:data)', (t) => {
  test('every data check passes on the imported geodata', async () => {
    const checks = await checkGeodata(t.db, 'geodata');
    assert.ok(checks.length > 30, 'all checks ran');
    const failed = checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail}`);
    assert.deepEqual(failed, []);
  });

  test('the checks catch a swapped lat/lon feature, an overlapping zone and a missing project', async () => {
    // Inside a transaction that is rolled back, so the shared database is left as it was.
    await assert.rejects(
      t.db.transaction(async (tx) => {
        await tx.query(`update villages set geom = ST_FlipCoordinates(geom) where id = (select min(id) from villages)`);
        await tx.query(`update zones set geom = ST_Buffer(geom, 0.01) where id = (select min(id) from zones)`);
        await tx.query(`delete from projects where id = (select min(id) from projects where properties->>'column' is not null)`);
        const failed = (await checkGeodata(tx, 'geodata')).filter((c) => !c.ok).map((c) => c.check);
        assert.ok(failed.includes('villages: lon/lat order, near Hohhot'), failed.join('; '));
        assert.ok(failed.includes('zones: mutually disjoint'), failed.join('; '));
        assert.ok(failed.some((f) => /column projects present exactly once/.test(f)), failed.join('; '));
        throw new Error('rollback');
      }),
      /rollback/,
    );
  });
});
