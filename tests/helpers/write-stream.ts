/**
 * A child process for the crash test: opens the database (DATABASE_URL, or the embedded DATA_DIR),
 * then PATCHes one feature in a loop through the app and prints each acknowledged version; the
 * test kills it with SIGKILL in the middle of the stream.
 */
import { createApp } from '../../api/app.ts';
import { openDatabase } from '../../api/open-db.ts';
import { testUser } from './users.ts';

const db = await openDatabase({ DATABASE_URL: process.env.DATABASE_URL || undefined, DATA_DIR: process.env.DATA_DIR, GEODATA_DIR: 'geodata' });
const app = createApp({ db, config: { BASEMAPS: [] } });
const planner = await testUser(db, 'planner', `crash-${process.pid}`);
console.log('READY');
for (let i = 0; ; i++) {
  const res = await app.request('/api/collections/villages/items/village-shuimo', {
    method: 'PATCH',
    headers: { ...planner.auth, 'content-type': 'application/json', 'x-change-reason': 'crash%20test' },
    body: JSON.stringify({ properties: { name_en: `crash ${i}` }, geometry: { type: 'Point', coordinates: [111.815 + (i % 100) * 1e-5, 40.918] } }),
  });
  const body = await res.json();
  if (res.status !== 200) {
    console.log(`ERROR ${res.status} ${JSON.stringify(body)}`);
    process.exit(1);
  }
  console.log(`ACK ${res.headers.get('etag')}`);
}
