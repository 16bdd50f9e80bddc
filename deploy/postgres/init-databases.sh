#!/bin/bash
# Run once by the postgres image on an empty data volume
# (/docker-entrypoint-initdb.d): one role and database for Guichet, one role
# owning Temporal's two databases.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
	-v guichet_password="$GUICHET_DB_PASSWORD" \
	-v temporal_password="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE guichet LOGIN PASSWORD :'guichet_password';
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE guichet OWNER guichet ENCODING 'UTF8';
CREATE DATABASE temporal OWNER temporal ENCODING 'UTF8';
CREATE DATABASE temporal_visibility OWNER temporal ENCODING 'UTF8';
SQL

# Full-text search helpers used by the application database.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname guichet <<'SQL'
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
SQL
