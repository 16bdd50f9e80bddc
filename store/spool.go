package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
	"modernc.org/sqlite"
)

// CreateTicketOnce stores a submission like CreateTicket, tagged with its
// submission ID (from intake's spool) in the same transaction. A submission
// ID already stored means the submission was created before (a replay after
// a crash between commit and spool clean-up): nothing is written and the
// existing ticket's number is returned with existed true.
func (db *DB) CreateTicketOnce(ctx context.Context, submissionID string, t *Ticket, files []Attachment) (number string, existed bool, err error) {
	if t == nil || submissionID == "" {
		return "", false, fmt.Errorf("store: create ticket once: nil ticket or empty submission ID")
	}
	if n, err := db.TicketOfSubmission(ctx, submissionID); err == nil {
		return n, true, nil
	} else if !errors.Is(err, ErrNotFound) {
		return "", false, err
	}
	prepareTicket(t)
	err = db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := insertTicket(ctx, tx, t, files); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*Ticket)(nil)).Set("submission_id = ?", submissionID).
			Where("number = ?", t.Number).Exec(ctx); err != nil {
			return fmt.Errorf("set submission id: %w", err)
		}
		return nil
	})
	if err != nil {
		// Another process may have stored the same submission meanwhile:
		// the unique index refused ours.
		if n, lerr := db.TicketOfSubmission(ctx, submissionID); lerr == nil {
			return n, true, nil
		}
		return "", false, fmt.Errorf("store: create ticket of submission %s: %w", submissionID, err)
	}
	return t.Number, false, nil
}

// TicketOfSubmission returns the number of the ticket created from a
// spooled submission, or an error wrapping ErrNotFound.
func (db *DB) TicketOfSubmission(ctx context.Context, submissionID string) (string, error) {
	var number string
	err := db.NewSelect().Model((*Ticket)(nil)).Column("number").
		Where("submission_id = ?", submissionID).Limit(1).Scan(ctx, &number)
	if err != nil {
		return "", fmt.Errorf("store: ticket of submission %s: %w", submissionID, notFound(err))
	}
	return number, nil
}

// IsUnavailable reports whether err means the database could not be
// reached or could not write for now (closed or dropped connection,
// refused connection, server shutting down, SQLite file locked past the
// busy timeout, read-only or full disk…), as opposed to a refusal of the
// data itself (constraint, syntax) which retrying would not cure.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 5, 6, 8, 10, 13, 14, 15: // BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL
			return true
		}
		return false
	}
	var pe pgdriver.Error
	if errors.As(err, &pe) {
		code := pe.Field('C')
		if code == "55000" { // object_not_in_prerequisite_state: only this one means unreachable
			return strings.Contains(pe.Field('M'), "not currently accepting connections")
		}
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "53") ||
			code == "57P01" || code == "57P02" || code == "57P03" || code == "40001" || code == "40P01"
	}
	// database/sql's own "closed" error has no exported sentinel.
	return strings.Contains(err.Error(), "sql: database is closed")
}
