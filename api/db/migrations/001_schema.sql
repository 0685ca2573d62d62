-- One table per dataset, named as its geodata/ folder and its API collection.
-- Every table has the same shape: a stable text id, the GeoJSON properties as jsonb and the
-- geometry in EPSG:4326 (lon/lat), the CRS of storage and of the API edge.
create extension if not exists postgis;

-- Provenance and checksum of each imported dataset; the checksum makes the import idempotent.
create table datasets (
  id text primary key,
  provenance jsonb not null,
  checksum text not null,
  feature_count integer not null,
  imported_at timestamptz not null default now()
);

create table district (id text primary key, properties jsonb not null, geom geometry(Geometry, 4326));
create table zones (id text primary key, properties jsonb not null, geom geometry(Geometry, 4326));
create table controls (id text primary key, properties jsonb not null, geom geometry(Geometry, 4326));
create table central_area (id text primary key, properties jsonb not null, geom geometry(Geometry, 4326));
create table parks (id text primary key, properties jsonb not null, geom geometry(Geometry, 4326));
create table projects (id text primary key, properties jsonb not null, geom geometry(Geometry, 4326));
create table facilities (id text primary key, properties jsonb not null, geom geometry(Geometry, 4326));
create table villages (id text primary key, properties jsonb not null, geom geometry(Geometry, 4326));
create table indicators (id text primary key, properties jsonb not null, geom geometry(Geometry, 4326));

-- GIST indexes serve bbox filters and the spatial joins of the import and the analyses.
create index district_geom_idx on district using gist (geom);
create index zones_geom_idx on zones using gist (geom);
create index controls_geom_idx on controls using gist (geom);
create index central_area_geom_idx on central_area using gist (geom);
create index parks_geom_idx on parks using gist (geom);
create index projects_geom_idx on projects using gist (geom);
create index facilities_geom_idx on facilities using gist (geom);
create index villages_geom_idx on villages using gist (geom);
create index indicators_geom_idx on indicators using gist (geom);
