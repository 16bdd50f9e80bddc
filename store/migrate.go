package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// migrations lists every schema change in order. Add new ones at the end
// with the next number; never edit one that has shipped.
func migrations() *migrate.Migrations {
	ms := migrate.NewMigrations()
	add := func(name, comment string, up migrate.MigrationFunc) {
		ms.Add(migrate.Migration{
			Name: name, Comment: comment,
			Up: func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
				return up(ctx, m.DB())
			},
			Down: func(context.Context, *migrate.Migrator, *migrate.Migration) error { return nil },
		})
	}
	add("20261128000001", "initial schema", migrateInitial)
	add("20261128000050", "mail delivery lease", migrateMailDelivery)
	add("20261128000200", "people name_key for search, one intake group per académie", migratePeopleSearch)
	add("20261128000400", "identity: TOTP, sign-in failures and challenges, directory runs", migrateIdentity)
	add("20261128000500", "requester favourites and ticket views", migrateRequester)
	add("20261128000600", "draft uploads kept across a failed form", migrateDraftUploads)
	add("20261128000800", "knowledge base and French full-text search", migrateKB)
	add("20261128000750", "supervision: news dates, audit log, opening hours and holidays", migrateAdmin)
	add("20261128000950", "mail: people language, incoming mail replies", migrateMailReplies)
	add("20261128000900", "API tokens, webhook subscriptions and deliveries", migrateAPI)
	add("20261128001000", "tickets.submission_id for submissions spooled while the database was down", migrateSpool)
	add("20261128001150", "knowledge base: problems solved without a ticket", migrateKBSelfSolved)
	add("20261128001300", "indexes of the lists and the support queue at a million tickets", migratePerf)
	add("20261128001420", "indexes of a person's own tickets in one académie (API scope=mine)", migrateReads)
	return ms
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

func migrateInitial(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		models := []any{
			(*Academy)(nil), (*Person)(nil), (*Asset)(nil), (*RoleGrant)(nil),
			(*Session)(nil), (*Group)(nil), (*GroupMember)(nil), (*Category)(nil),
			(*News)(nil), (*TicketCounter)(nil), (*Ticket)(nil), (*TicketEvent)(nil),
			(*Attachment)(nil), (*Mail)(nil),
		}
		for _, m := range models {
			if _, err := tx.NewCreateTable().Model(m).Exec(ctx); err != nil {
				return fmt.Errorf("create %T: %w", m, err)
			}
		}
		indexes := []struct {
			model  any
			name   string
			cols   []string
			unique bool
		}{
			{(*Person)(nil), "people_academy_name_idx", []string{"academy_code", "last_name", "first_name"}, false},
			{(*Asset)(nil), "assets_person_idx", []string{"person_id"}, false},
			{(*Session)(nil), "sessions_person_idx", []string{"person_id"}, false},
			{(*Category)(nil), "categories_academy_idx", []string{"academy_code", "parent_id"}, false},
			{(*News)(nil), "news_academy_idx", []string{"academy_code", "published_at"}, false},
			{(*Ticket)(nil), "tickets_academy_status_idx", []string{"academy_code", "status", "created_at"}, false},
			{(*Ticket)(nil), "tickets_requester_idx", []string{"requester_id", "created_at"}, false},
			{(*Ticket)(nil), "tickets_beneficiary_idx", []string{"beneficiary_id", "created_at"}, false},
			{(*Ticket)(nil), "tickets_technician_idx", []string{"technician_id", "status"}, false},
			{(*Ticket)(nil), "tickets_entity_idx", []string{"academy_code", "entity", "created_at"}, false},
			{(*Ticket)(nil), "tickets_pending_idx", []string{"workflow_started_at"}, false},
			{(*TicketEvent)(nil), "ticket_events_seq_idx", []string{"ticket_number", "seq"}, true},
			{(*Attachment)(nil), "attachments_ticket_idx", []string{"ticket_number"}, false},
			{(*Mail)(nil), "mails_unsent_idx", []string{"sent_at", "id"}, false},
		}
		for _, ix := range indexes {
			q := tx.NewCreateIndex().Model(ix.model).Index(ix.name).Column(ix.cols...)
			if ix.unique {
				q = q.Unique()
			}
			if _, err := q.Exec(ctx); err != nil {
				return fmt.Errorf("create index %s: %w", ix.name, err)
			}
		}
		return nil
	})
}
