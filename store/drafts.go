package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// DraftUpload is a file sent with a form that has not been accepted yet (a
// new incident or added information that failed validation). It is kept
// server-side, tied to the web session that sent it, so the person does not
// have to choose the file again; it becomes an Attachment when the form
// finally goes through, and expired drafts are purged.
type DraftUpload struct {
	bun.BaseModel `bun:"table:draft_uploads"`

	ID          int64     `bun:"id,pk,autoincrement"`
	SessionID   string    `bun:"session_id,notnull"`
	PersonID    int64     `bun:"person_id,notnull"`
	Filename    string    `bun:"filename,notnull"`
	ContentType string    `bun:"content_type,notnull"`
	Size        int64     `bun:"size,notnull"`
	Data        []byte    `bun:"data,notnull"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
}

// SaveDraftUploads stores files for session sessionID of person personID
// and sets their IDs.
func (db *DB) SaveDraftUploads(ctx context.Context, sessionID string, personID int64, files []DraftUpload) error {
	if len(files) == 0 {
		return nil
	}
	now := time.Now().UTC()
	for i := range files {
		files[i].ID = 0
		files[i].SessionID, files[i].PersonID = sessionID, personID
		files[i].Size = int64(len(files[i].Data))
		if files[i].CreatedAt.IsZero() {
			files[i].CreatedAt = now
		}
	}
	if _, err := db.NewInsert().Model(&files).Exec(ctx); err != nil {
		return fmt.Errorf("store: save draft uploads: %w", err)
	}
	return nil
}

// DraftUploads returns the drafts among ids that belong to session
// sessionID (others are silently left out: a forged ID never reaches
// someone else's file), in ID order. withData false leaves Data empty.
func (db *DB) DraftUploads(ctx context.Context, sessionID string, ids []int64, withData bool) ([]DraftUpload, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var ds []DraftUpload
	q := db.NewSelect().Model(&ds).Where("session_id = ?", sessionID).Where("id IN (?)", bun.In(ids)).Order("id")
	if !withData {
		q = q.ExcludeColumn("data")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: draft uploads: %w", err)
	}
	return ds, nil
}

// DeleteDraftUploads removes drafts of session sessionID.
func (db *DB) DeleteDraftUploads(ctx context.Context, sessionID string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := db.NewDelete().Model((*DraftUpload)(nil)).Where("session_id = ?", sessionID).
		Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete draft uploads: %w", err)
	}
	return nil
}

// PurgeDraftUploads deletes drafts created before cutoff and returns how
// many went.
func (db *DB) PurgeDraftUploads(ctx context.Context, cutoff time.Time) (int, error) {
	res, err := db.NewDelete().Model((*DraftUpload)(nil)).Where("created_at < ?", cutoff.UTC()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: purge draft uploads: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Attachment turns a draft into an attachment of a ticket uploaded by its
// person.
func (d DraftUpload) Attachment() Attachment {
	return Attachment{UploaderID: d.PersonID, Filename: d.Filename, ContentType: d.ContentType,
		Size: d.Size, Data: d.Data}
}
