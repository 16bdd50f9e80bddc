package store_test

import (
	"context"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

func TestMigrate(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		t.Run("running migrations twice changes nothing", func(t *testing.T) {
			if err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("every table exists", func(t *testing.T) {
			n, err := db.NewSelect().Model((*store.Ticket)(nil)).Count(context.Background())
			if err != nil || n != 0 {
				t.Fatalf("count tickets = %d, %v", n, err)
			}
		})
	})
}
