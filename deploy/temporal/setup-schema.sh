#!/bin/sh
# One-shot (temporalio/admin-tools image): creates or upgrades Temporal's
# schemas in the databases made by deploy/postgres/init-databases.sh.
# Safe to run on every `docker compose up`.
set -eu

: "${SQL_HOST:=postgresql}"
: "${SQL_PORT:=5432}"
: "${SQL_USER:=temporal}"
# temporal-sql-tool reads the password from SQL_PASSWORD.
export SQL_PASSWORD

schema=/etc/temporal/schema/postgresql/v12
for pair in temporal:temporal visibility:temporal_visibility; do
	dir=${pair%%:*}
	db=${pair#*:}
	echo "temporal schema: $db"
	temporal-sql-tool --plugin postgres12 --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" --db "$db" setup-schema -v 0.0
	temporal-sql-tool --plugin postgres12 --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" --db "$db" update-schema -d "$schema/$dir/versioned"
done
echo "temporal schema: done"
