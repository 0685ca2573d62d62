-- A version number per table that every write bumps, by a trigger, so no write path can forget it.
-- Responses of an unchanged collection are cached and answered with 304 by this version (ETag).
create table collection_versions (
  id text primary key,
  version bigint not null default 1,
  changed_at timestamptz not null default now()
);

create function bump_collection_version() returns trigger language plpgsql as $$
begin
  insert into collection_versions as v (id) values (TG_TABLE_NAME)
  on conflict (id) do update set version = v.version + 1, changed_at = now();
  return null;
end $$;

do $$
declare t text;
begin
  foreach t in array array['datasets', 'district', 'zones', 'controls', 'central_area', 'parks', 'projects',
    'facilities', 'villages', 'indicators'] loop
    execute format('create trigger %I after insert or update or delete or truncate on %I
      for each statement execute function bump_collection_version()', t || '_version', t);
    insert into collection_versions (id) values (t) on conflict do nothing;
  end loop;
end $$;
