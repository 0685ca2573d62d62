/**
 * `npm run users -- <command>`: accounts from the command line, through the same audited path as
 * the API (the actor is "cli:<os user>").
 *
 *   add NAME [--role viewer|planner|admin] [--password P]   (a random password is printed when none is given)
 *   list
 *   passwd NAME [--password P]
 *   disable NAME | enable NAME
 *   role NAME ROLE
 *   token NAME [--name "what it is for"]                    (prints the token once)
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { HTTPException } from 'hono/http-exception';
import { systemContext } from '../api/audit/audited.ts';
import { createToken, createUser, listUsers, updateUser } from '../api/auth/accounts.ts';
import { newSecret } from '../api/auth/secrets.ts';
import { loadConfig } from '../api/config.ts';
import { openDatabase, StartupError } from '../api/open-db.ts';

const USAGE = `Usage: npm run users -- add NAME [--role planner] [--password P] | list | passwd NAME [--password P]
                      | disable NAME | enable NAME | role NAME ROLE | token NAME [--name TEXT]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { role: { type: 'string', default: 'planner' }, password: { type: 'string' }, name: { type: 'string', default: 'command line' } },
});
const [command, username, extra] = positionals;
if (!command || (command !== 'list' && !username)) {
  console.error(USAGE);
  process.exit(2);
}

const config = loadConfig();
let db;
try {
  db = await openDatabase(config, () => {});
} catch (err) {
  console.error(err instanceof StartupError ? err.message : err);
  process.exit(1);
}
const ctx = systemContext(`cli:${userInfo().username}`, `npm run users -- ${command}`);
const randomPassword = () => newSecret('').slice(0, 20);
let code = 0;
try {
  switch (command) {
    case 'list':
      for (const u of (await listUsers(db)) as { username: string; role: string; disabled: boolean; tokens: number }[]) {
        console.log(`${u.username.padEnd(24)} ${u.role.padEnd(8)} ${u.disabled ? 'disabled' : 'active  '} ${u.tokens} token(s)`);
      }
      break;
    case 'add': {
      const password = values.password ?? randomPassword();
      await createUser(db, ctx, { username, password, role: values.role! });
      console.log(`Created ${username} (${values.role}).${values.password ? '' : ` Password: ${password}  (shown only now)`}`);
      break;
    }
    case 'passwd': {
      const password = values.password ?? randomPassword();
      await updateUser(db, ctx, username, { password });
      console.log(`Changed the password of ${username}; their sessions ended.${values.password ? '' : ` New password: ${password}  (shown only now)`}`);
      break;
    }
    case 'disable':
    case 'enable':
      await updateUser(db, ctx, username, { disabled: command === 'disable' });
      console.log(`${username} is ${command}d.`);
      break;
    case 'role':
      await updateUser(db, ctx, username, { role: extra });
      console.log(`${username} is now ${extra}.`);
      break;
    case 'token': {
      const t = await createToken(db, ctx, values.name!, username);
      console.log(`Token ${t.id} for ${username} ("${t.name}"), shown only now:\n${t.token}\nUse it as "Authorization: Bearer ${t.token.slice(0, 8)}…".`);
      break;
    }
    default:
      console.error(`Unknown command "${command}".\n${USAGE}`);
      code = 2;
  }
} catch (err) {
  // The same 4xx answers the API gives, as one line.
  if (err instanceof HTTPException && err.res) {
    console.error((await err.res.json()).description);
    code = 1;
  } else throw err;
} finally {
  await db.close();
}
process.exit(code);
