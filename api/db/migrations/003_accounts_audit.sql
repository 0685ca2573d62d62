-- Accounts, sessions, tokens, feature versions, the append-only audit trail and saved reviews.
-- The database itself guarantees the two rules of writing (GB/T 39972 强制留痕):
--   1. the audit table only grows (a trigger rejects UPDATE, DELETE and TRUNCATE), and each row
--      carries a SHA-256 hash of its content and of the previous row's hash (tamper-evident);
--   2. a transaction that changes a collection table cannot commit without an audit row of its
--      own (a deferred constraint trigger), so no code path can write without being audited.

create table users (
  username text primary key check (username ~ '^[a-z0-9][a-z0-9._-]{1,31}$'),
  password_hash text not null,
  role text not null check (role in ('viewer', 'planner', 'admin')),
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  password_changed_at timestamptz not null default now()
);

-- Browser sessions; the cookie holds a random secret, the table only its SHA-256.
create table sessions (
  secret_hash text primary key,
  username text not null references users (username),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_username_idx on sessions (username);

-- Personal access tokens for scripts and GIS clients (Authorization: Bearer …); stored hashed.
create table tokens (
  id bigint generated always as identity primary key,
  username text not null references users (username),
  name text not null,
  secret_hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- One-time login links (the first start prints one for the new admin).
create table login_links (
  secret_hash text primary key,
  username text not null references users (username),
  expires_at timestamptz not null,
  used_at timestamptz
);

-- Failed logins, for throttling per user name and per client address.
create table login_failures (
  key text not null,
  at timestamptz not null default now()
);
create index login_failures_key_idx on login_failures (key, at);

-- Saved compliance reviews (审查记录), numbered per year: XC-2026-0042.
create table reviews (
  number text primary key,
  year integer not null,
  seq integer not null,
  project_name text not null,
  applicant text,
  reviewer text not null,
  note text,
  created_by text not null,
  created_at timestamptz not null default now(),
  site jsonb not null,
  result jsonb not null,
  layer_versions jsonb not null,
  unique (year, seq)
);

-- The audit trail. `id` and `at` are assigned by the chain trigger, in commit order.
create sequence audit_id_seq;
create table audit (
  id bigint primary key,
  at timestamptz not null,
  txid bigint not null default txid_current(),
  actor text,
  action text not null,
  collection text,
  feature_id text,
  version_before integer,
  version_after integer,
  before jsonb,
  after jsonb,
  reason text,
  request_id text,
  client_address text,
  prev_hash text not null,
  hash text not null
);
create index audit_feature_idx on audit (collection, feature_id, id);
create index audit_actor_idx on audit (actor, id);
create index audit_at_idx on audit (at);
create index audit_txid_idx on audit (txid);

-- The text a row's hash covers: every column but the hashes, in a fixed form.
create function audit_content(a audit) returns text language sql immutable as $$
  select jsonb_build_object(
    'id', a.id, 'at', to_char(a.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'txid', a.txid,
    'actor', a.actor, 'action', a.action, 'collection', a.collection, 'featureId', a.feature_id,
    'versionBefore', a.version_before, 'versionAfter', a.version_after, 'before', a.before, 'after', a.after,
    'reason', a.reason, 'requestId', a.request_id, 'clientAddress', a.client_address)::text
$$;

-- Before each insert: take the chain lock (held to commit, so ids follow commit order), number
-- the row, link it to the previous row and hash it.
create function audit_chain() returns trigger language plpgsql as $$
declare prev text;
begin
  perform pg_advisory_xact_lock(4547);
  new.id := nextval('audit_id_seq');
  new.at := clock_timestamp();
  new.txid := txid_current();
  select hash into prev from audit order by id desc limit 1;
  new.prev_hash := coalesce(prev, repeat('0', 64));
  new.hash := encode(sha256(convert_to(new.prev_hash || audit_content(new), 'UTF8')), 'hex');
  return new;
end $$;
create trigger audit_chain before insert on audit for each row execute function audit_chain();

create function audit_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the audit trail is append-only: % is not allowed on audit', TG_OP using errcode = '42501';
end $$;
create trigger audit_append_only before update or delete on audit for each row execute function audit_append_only();
create trigger audit_no_truncate before truncate on audit for each statement execute function audit_append_only();

-- At commit: a transaction that changed a collection table must have written an audit row.
create function require_audit() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from audit where txid = txid_current()) then
    raise exception 'change to % without an audit row in the same transaction: every write goes through the audited write path', TG_TABLE_NAME
      using errcode = '42501';
  end if;
  return null;
end $$;

do $$
declare t text;
begin
  foreach t in array array['district', 'zones', 'controls', 'central_area', 'parks', 'projects',
    'facilities', 'villages', 'indicators'] loop
    -- Every feature has a version, 1 when imported, +1 on each audited change (If-Match / 412).
    execute format('alter table %I add column version integer not null default 1', t);
    execute format('create constraint trigger %I after insert or update or delete on %I
      deferrable initially deferred for each row execute function require_audit()', t || '_audited', t);
  end loop;
end $$;
