package store_test

import (
	"context"
	"errors"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

func TestAcademies(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, a := range []store.Academy{{Code: "versailles", Name: "Versailles"}, {Code: "creteil", Name: "Creteil"}} {
			if err := db.UpsertAcademy(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		t.Run("upserting an existing code renames it", func(t *testing.T) {
			if err := db.UpsertAcademy(ctx, &store.Academy{Code: "creteil", Name: "Créteil", Logo: "/static/creteil.svg"}); err != nil {
				t.Fatal(err)
			}
			a, err := db.GetAcademy(ctx, "creteil")
			if err != nil {
				t.Fatal(err)
			}
			if a.Name != "Créteil" || a.Logo != "/static/creteil.svg" {
				t.Fatalf("got %+v", a)
			}
		})
		t.Run("académies are listed by name", func(t *testing.T) {
			as, err := db.ListAcademies(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 2 || as[0].Code != "creteil" || as[1].Code != "versailles" {
				t.Fatalf("got %+v", as)
			}
		})
		t.Run("an unknown académie is not found", func(t *testing.T) {
			if _, err := db.GetAcademy(ctx, "lille"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("GetAcademy = %v, want ErrNotFound", err)
			}
		})
	})
}
