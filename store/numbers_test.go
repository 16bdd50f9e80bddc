package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/store"
	"guichet/store/storetest"
)

func TestTicketDay(t *testing.T) {
	tests := []struct {
		name string
		at   string
		want string
	}{
		{"a summer evening in UTC is already the next day in Paris", "2026-07-13T22:30:00Z", "260714"},
		{"a summer afternoon stays on the same day", "2026-07-13T21:59:59Z", "260713"},
		{"a winter evening at 23:30 UTC is the next day in Paris", "2026-01-05T23:30:00Z", "260106"},
		{"a winter evening at 22:59 UTC is still the same day in Paris", "2026-01-05T22:59:00Z", "260105"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, err := time.Parse(time.RFC3339, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if got := store.TicketDay(at); got != tt.want {
				t.Fatalf("TicketDay(%s) = %s, want %s", tt.at, got, tt.want)
			}
		})
	}
}

func TestAllocateTicketNumber(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day := func(s string) time.Time {
			t.Helper()
			at, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			return at
		}

		t.Run("the first number of a Paris day ends in 0001 and takes the Paris date", func(t *testing.T) {
			got, err := store.AllocateTicketNumber(ctx, db.DB, day("2026-07-13T22:30:00Z"))
			if err != nil {
				t.Fatal(err)
			}
			if got != "I260714_0001" {
				t.Fatalf("got %s, want I260714_0001", got)
			}
			got, err = store.AllocateTicketNumber(ctx, db.DB, day("2026-07-14T08:00:00Z"))
			if err != nil {
				t.Fatal(err)
			}
			if got != "I260714_0002" {
				t.Fatalf("got %s, want I260714_0002", got)
			}
		})

		t.Run("the sequence restarts each day", func(t *testing.T) {
			got, err := store.AllocateTicketNumber(ctx, db.DB, day("2026-07-14T22:00:00Z"))
			if err != nil {
				t.Fatal(err)
			}
			if got != "I260715_0001" {
				t.Fatalf("got %s, want I260715_0001", got)
			}
		})

		t.Run("past 9999 the sequence grows to five digits", func(t *testing.T) {
			if _, err := db.NewInsert().Model(&store.TicketCounter{Day: "260801", LastSeq: 9998}).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			var got []string
			for range 2 {
				n, err := store.AllocateTicketNumber(ctx, db.DB, day("2026-08-01T10:00:00Z"))
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, n)
			}
			want := []string{"I260801_9999", "I260801_10000"}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("got %v, want %v", got, want)
			}
		})

		t.Run("a rolled-back transaction leaves no gap", func(t *testing.T) {
			at := day("2026-09-01T10:00:00Z")
			errRollback := errors.New("rollback")
			err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				n, err := store.AllocateTicketNumber(ctx, tx, at)
				if err != nil {
					return err
				}
				if n != "I260901_0001" {
					return fmt.Errorf("inside the transaction got %s", n)
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatalf("RunInTx = %v, want the rollback error", err)
			}
			n, err := store.AllocateTicketNumber(ctx, db.DB, at)
			if err != nil {
				t.Fatal(err)
			}
			if n != "I260901_0001" {
				t.Fatalf("after rollback got %s, want I260901_0001 again", n)
			}
		})

		t.Run("concurrent allocations give every number from 1 to N exactly once", func(t *testing.T) {
			const workers, each = 16, 25
			at := day("2026-10-02T09:00:00Z")
			var (
				mu   sync.Mutex
				got  []int
				errs []error
				wg   sync.WaitGroup
			)
			for range workers {
				wg.Go(func() {
					for range each {
						n, err := store.AllocateTicketNumber(ctx, db.DB, at)
						mu.Lock()
						if err != nil {
							errs = append(errs, err)
						} else {
							seq, perr := strconv.Atoi(strings.TrimPrefix(n, "I261002_"))
							if perr != nil {
								errs = append(errs, fmt.Errorf("unexpected number %q", n))
							}
							got = append(got, seq)
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(errs) > 0 {
				t.Fatalf("%d allocations failed, first: %v", len(errs), errs[0])
			}
			sort.Ints(got)
			if len(got) != workers*each {
				t.Fatalf("got %d numbers, want %d", len(got), workers*each)
			}
			for i, seq := range got {
				if seq != i+1 {
					t.Fatalf("sorted sequence at %d is %d, want %d (duplicate or gap)", i, seq, i+1)
				}
			}
		})
	})
}
