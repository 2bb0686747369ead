-- A little data in kobo's table names, so dumps and restores have something to carry.
-- Run by kobo-postgres once, in each of the two databases (psql variable :dbrole = kpi | kc).
\if :{?dbrole}
\else
\set dbrole kpi
\endif
CREATE TABLE IF NOT EXISTS auth_user (
  id serial PRIMARY KEY, username text UNIQUE NOT NULL, email text, date_joined timestamptz DEFAULT now());
INSERT INTO auth_user (username, email)
  SELECT 'user' || g, 'user' || g || '@kobo.test' FROM generate_series(1, 10) g ON CONFLICT DO NOTHING;
-- kobo's postgres images are PostGIS images and kobo creates the extension in both databases.
SELECT count(*) > 0 AS has_postgis FROM pg_available_extensions WHERE name = 'postgis' \gset
\if :has_postgis
CREATE EXTENSION IF NOT EXISTS postgis;
\endif
SELECT :'dbrole' = 'kpi' AS is_kpi \gset
\if :is_kpi
CREATE TABLE IF NOT EXISTS kpi_asset (
  id serial PRIMARY KEY, uid text UNIQUE NOT NULL, name text, asset_type text, owner_id int REFERENCES auth_user(id),
  date_created timestamptz DEFAULT now());
INSERT INTO kpi_asset (uid, name, asset_type, owner_id)
  SELECT 'aTestbed' || g, 'Survey ' || g, 'survey', 1 + g % 10 FROM generate_series(1, 20) g ON CONFLICT DO NOTHING;
\else
CREATE TABLE IF NOT EXISTS logger_xform (
  id serial PRIMARY KEY, id_string text UNIQUE NOT NULL, title text, user_id int REFERENCES auth_user(id),
  num_of_submissions int DEFAULT 0);
CREATE TABLE IF NOT EXISTS logger_instance (
  id serial PRIMARY KEY, xform_id int REFERENCES logger_xform(id), uuid text, xml text, date_created timestamptz DEFAULT now());
INSERT INTO logger_xform (id_string, title, user_id, num_of_submissions)
  SELECT 'testbed_form_' || g, 'Form ' || g, 1 + g % 10, 10 FROM generate_series(1, 5) g ON CONFLICT DO NOTHING;
INSERT INTO logger_instance (xform_id, uuid, xml)
  SELECT 1 + g % 5, md5(g::text), '<data><q1>answer ' || g || '</q1></data>' FROM generate_series(1, 50) g;
-- kobocat keeps each submission's location in logger_instance.geom (a GeometryCollection, SRID 4326).
\if :has_postgis
ALTER TABLE logger_instance ADD COLUMN IF NOT EXISTS geom geometry(GeometryCollection, 4326);
UPDATE logger_instance SET geom = ST_GeomFromText(
  'GEOMETRYCOLLECTION(POINT(' || (30 + id % 7) || '.' || id || ' ' || (-1 - id % 5) || '.' || (100 - id) || '))', 4326)
  WHERE geom IS NULL;
\endif
\endif
