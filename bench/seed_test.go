package bench

import (
	"context"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

func TestSeededArticlesSpreadOverThreeAcadémiesAndAreFoundBySearch(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, code := range []string{"creteil", "rouen", "versailles"} {
			if err := db.UpsertAcademy(ctx, &store.Academy{Code: code, Name: "Académie " + code}); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateCategory(ctx, &store.Category{AcademyCode: code, Name: "Matériel"}); err != nil {
				t.Fatal(err)
			}
		}
		const n = 48
		if err := seedArticles(ctx, db, "creteil", 0, n, t.Logf); err != nil {
			t.Fatal(err)
		}
		var rows []struct {
			AcademyCode string `bun:"academy_code"`
			Shared      bool   `bun:"shared"`
			Published   bool   `bun:"published"`
		}
		if err := db.NewSelect().Table("kb_articles").Column("academy_code", "shared", "published").Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		perAcademy, shared, drafts := map[string]int{}, 0, 0
		for _, r := range rows {
			perAcademy[r.AcademyCode]++
			if r.Shared {
				shared++
			}
			if !r.Published {
				drafts++
			}
		}
		tests := []struct {
			name      string
			got, want int
		}{
			{"every article is stored", len(rows), n},
			{"a third goes to Créteil", perAcademy["creteil"], n / 3},
			{"a third goes to Rouen", perAcademy["rouen"], n / 3},
			{"a third goes to Versailles", perAcademy["versailles"], n / 3},
			{"one in eight is shared", shared, n / 8},
			{"one in ten is a draft", drafts, (n + 9) / 10},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.got != tt.want {
					t.Errorf("got %d, want %d", tt.got, tt.want)
				}
			})
		}
		t.Run("the French search finds them, accents and plurals folded", func(t *testing.T) {
			v := store.Viewer{PersonID: 1, AcademyCode: "rouen"}
			hits, _, err := db.SearchArticles(ctx, v, store.ArticleSearch{Query: "ecrans", Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 {
				t.Fatal("no article found for « ecrans »")
			}
			for _, h := range hits {
				if !h.Published || (h.AcademyCode != "rouen" && !h.Shared) {
					t.Errorf("hit %q of %s (shared %v, published %v) is not visible to Rouen", h.Title, h.AcademyCode, h.Shared, h.Published)
				}
			}
		})
	})
}

func TestSeededTicketsKeepTheirOwnPrivacyAndSolution(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, code := range []string{"creteil", "rouen", "versailles"} {
			if err := db.UpsertAcademy(ctx, &store.Academy{Code: code, Name: "Académie " + code}); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateCategory(ctx, &store.Category{AcademyCode: code, Name: "Matériel"}); err != nil {
				t.Fatal(err)
			}
		}
		const n = 300
		if err := seedTickets(ctx, db, "creteil", 1, n, t.Logf); err != nil {
			t.Fatal(err)
		}
		private, err := db.NewSelect().Model((*store.Ticket)(nil)).Where("private").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		solved, err := db.NewSelect().Model((*store.Ticket)(nil)).Where("solution <> ''").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// About one in ten is private and about three in five solved:
		// whatever the first row of a batch holds.
		if private == 0 || private > n/4 {
			t.Errorf("%d private tickets out of %d", private, n)
		}
		if solved == 0 || solved == n {
			t.Errorf("%d solved tickets out of %d", solved, n)
		}
	})
}
