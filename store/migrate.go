package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

// A migration is one frozen schema change: its statements are the DDL as it
// shipped, spelled out per dialect, never built from the Go models (so the
// models change freely). id is the name bun records in bun_migrations once
// the migration is applied: it never changes, or databases already
// migrated would run the migration again.
type migration struct {
	id    string
	does  string
	steps []step
}

// A step is one statement of a migration, on SQLite and on PostgreSQL (an
// empty one is skipped on that database), or a data step run in Go.
type step struct {
	sqlite, postgres string
	run              func(ctx context.Context, tx bun.Tx) error
}

// both is a statement the same on SQLite and PostgreSQL.
func both(sql string) step { return step{sqlite: sql, postgres: sql} }

// typed is a statement the same on SQLite and PostgreSQL but for the
// names of its types, written once with these placeholders:
//   - {ID}: the "id" column counted by the database, INTEGER PRIMARY KEY
//     AUTOINCREMENT on SQLite, BIGSERIAL on PostgreSQL;
//   - {PK_ID}: the PRIMARY KEY ("id") line that PostgreSQL states after the
//     columns (nothing on SQLite), put right after the column it follows;
//   - {INT}: INTEGER on SQLite, BIGINT on PostgreSQL;
//   - {TIME}: TIMESTAMP on SQLite, TIMESTAMPTZ on PostgreSQL;
//   - {BYTES}: BLOB on SQLite, BYTEA on PostgreSQL.
//
// The spellings are part of every migration that shipped with them: never
// change one (add a new placeholder instead).
func typed(sql string) step {
	return step{sqlite: sqliteTypes.Replace(sql), postgres: postgresTypes.Replace(sql)}
}

var (
	sqliteTypes = strings.NewReplacer(
		"{ID}", `"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`,
		"{PK_ID}", "",
		"{INT}", "INTEGER",
		"{TIME}", "TIMESTAMP",
		"{BYTES}", "BLOB",
	)
	postgresTypes = strings.NewReplacer(
		"{ID}", `"id" BIGSERIAL NOT NULL`,
		"{PK_ID}", ",\n\t\t\tPRIMARY KEY (\"id\")",
		"{INT}", "BIGINT",
		"{TIME}", "TIMESTAMPTZ",
		"{BYTES}", "BYTEA",
	)
)

// sqliteOnly is a statement run on SQLite only.
func sqliteOnly(sql string) step { return step{sqlite: sql} }

// postgresOnly is a statement run on PostgreSQL only.
func postgresOnly(sql string) step { return step{postgres: sql} }

// schemaChanges lists every migration in the order they run: bun runs them
// in the order of their ids, and TestSchemaChangesInOrder checks this list
// follows it. Add new ones at the end with a greater id; never edit one
// that has shipped.
var schemaChanges = []migration{
	{"20261128000001", "initial schema", initialSchema},
	{"20261128000050", "mail delivery lease", mailDeliveryLease},
	{"20261128000200", "people name_key for search, one intake group per académie", peopleNameKeyOneIntakeGroup},
	{"20261128000400", "identity: TOTP, sign-in failures and challenges, directory runs", signInAndDirectory},
	{"20261128000500", "requester favourites and ticket views", favouritesAndTicketViews},
	{"20261128000600", "draft uploads kept across a failed form", draftUploads},
	{"20261128000750", "supervision: news dates, audit log, opening hours and holidays", newsDatesAuditLogOpeningHours},
	{"20261128000800", "knowledge base and French full-text search", knowledgeBaseFullTextSearch},
	{"20261128000900", "API tokens, webhook subscriptions and deliveries", apiTokensAndWebhooks},
	{"20261128000950", "mail: people language, incoming mail replies", peopleLangAndMailReplies},
	{"20261128001000", "tickets.submission_id for submissions spooled while the database was down", ticketSubmissionID},
	{"20261128001150", "knowledge base: problems solved without a ticket", kbProblemsSolvedWithoutTicket},
	{"20261128001300", "indexes of the lists and the support queue at a million tickets", ticketListAndQueueIndexes},
	{"20261128001420", "indexes of a person's own tickets in one académie (API scope=mine)", ownTicketsPerAcademyIndexes},
	{"20261128001600", "tickets whose workflow ended outside Guichet (reconciliation)", ticketWorkflowEnded},
}

// migrations gives schemaChanges to bun's migrator, each one run in a
// transaction of its own.
func migrations() *migrate.Migrations {
	ms := migrate.NewMigrations()
	for _, mg := range schemaChanges {
		ms.Add(migrate.Migration{
			Name: mg.id, Comment: mg.does,
			Up: func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
				return mg.apply(ctx, m.DB())
			},
			Down: func(context.Context, *migrate.Migrator, *migrate.Migration) error { return nil },
		})
	}
	return ms
}

// apply runs the migration's steps for db's dialect in one transaction.
func (mg migration) apply(ctx context.Context, db *bun.DB) error {
	pg := db.Dialect().Name() == dialect.PG
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i, s := range mg.steps {
			if s.run != nil {
				if err := s.run(ctx, tx); err != nil {
					return fmt.Errorf("migration %s (%s), step %d: %w", mg.id, mg.does, i+1, err)
				}
				continue
			}
			sql := s.sqlite
			if pg {
				sql = s.postgres
			}
			if sql == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, sql); err != nil {
				return fmt.Errorf("migration %s (%s), step %d: %w", mg.id, mg.does, i+1, err)
			}
		}
		return nil
	})
}

// Migrate brings the schema up to date. It is safe to run concurrently from
// several processes on PostgreSQL (bun's migrator locks its table).
func (db *DB) Migrate(ctx context.Context) error {
	m := migrate.NewMigrator(db.DB, migrations(), migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("store: init migrations: %w", err)
	}
	if err := m.Lock(ctx); err != nil {
		return fmt.Errorf("store: lock migrations: %w", err)
	}
	defer m.Unlock(ctx) //nolint:errcheck
	if _, err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// fillPeopleNameKeys fills people.name_key for the people already there when
// the column was added (a data step: a fresh database has none).
func fillPeopleNameKeys(ctx context.Context, tx bun.Tx) error {
	var rows []struct {
		ID        int64  `bun:"id"`
		LastName  string `bun:"last_name"`
		FirstName string `bun:"first_name"`
	}
	if err := tx.NewSelect().Table("people").Column("id", "last_name", "first_name").Scan(ctx, &rows); err != nil {
		return fmt.Errorf("read people: %w", err)
	}
	for _, r := range rows {
		if _, err := tx.NewUpdate().Table("people").Set("name_key = ?", NameKey(r.LastName, r.FirstName)).
			Where("id = ?", r.ID).Exec(ctx); err != nil {
			return fmt.Errorf("fill people.name_key: %w", err)
		}
	}
	return nil
}

// indexTicketsFiledBefore indexes for search the tickets filed before the
// search index existed (a data step: a fresh database has none).
func indexTicketsFiledBefore(ctx context.Context, tx bun.Tx) error {
	_, err := reindexAllTickets(ctx, tx)
	return err
}
