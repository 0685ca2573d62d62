-- The catalogue as data, and versions of whole collections (issue 10: the office's own data).
--
-- `catalogue` holds the collections an office imported at run time (the built-in ones are the
-- seed, described in core/catalog.ts): each row is a collection definition (title, role,
-- audience, properties, style, provenance) whose table has the same name as its id.
create table catalogue (
  id text primary key check (id ~ '^[a-z][a-z0-9_]{2,39}$'),
  def jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now()
);

-- Each version of a collection's data: the seed (version 1 of a built-in collection), each import
-- commit and each restore. The highest version of a collection is the live table.
create table collection_history (
  collection text not null,
  version integer not null,
  action text not null check (action in ('seed', 'commit', 'restore')),
  mode text,
  actor text not null,
  at timestamptz not null default now(),
  file_name text,
  sha256 text,
  feature_count integer not null,
  restored_from integer,
  -- Where this version's data came from (the datasets row's provenance while it was live).
  provenance jsonb,
  audit_id bigint,
  primary key (collection, version)
);

-- The features of a superseded version, kept as they were when a commit or restore replaced them
-- (planners' edits since that version included), so an admin can restore it.
create table history_features (
  collection text not null,
  version integer not null,
  id text not null,
  properties jsonb not null,
  geom geometry(Geometry, 4326),
  feature_version integer not null,
  primary key (collection, version, id)
);

-- Compliance review reads every control layer through this view; a commit of a `control` layer
-- re-creates it from the catalogue, so imported control lines join the review at once.
create view control_features as
  select 'controls'::text as collection, id, properties, geom from controls;

-- A new or removed collection changes the collection list: its cached responses go stale.
create trigger catalogue_version after insert or update or delete or truncate on catalogue
  for each statement execute function bump_collection_version();
insert into collection_versions (id) values ('catalogue') on conflict do nothing;
