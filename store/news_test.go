package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

func TestNewsManagement(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, db)
		now := time.Now().UTC()
		draft := &store.News{Title: "Brouillon", Body: "Pas encore.", Draft: true}
		live := &store.News{Title: "Sites web hébergés", Body: "Accès difficile.", PublishedAt: now.Add(-time.Hour)}
		later := &store.News{Title: "Mouvement intra", Body: "Bientôt.", PublishedAt: now.Add(48 * time.Hour)}
		gone := &store.News{Title: "Ancienne", Body: "Finie.", PublishedAt: now.Add(-72 * time.Hour), ExpiresAt: ptr(now.Add(-time.Hour))}
		for _, n := range []*store.News{draft, live, later, gone} {
			if err := db.SaveNews(ctx, f.by, n); err != nil {
				t.Fatal(err)
			}
		}
		titles := func() []string {
			ns, err := db.PublishedNews(ctx, "creteil", time.Now(), 10)
			if err != nil {
				t.Fatal(err)
			}
			out := collect(ns, func(n store.News) string { return n.Title })
			return out
		}
		t.Run("requesters see only published, unexpired news", func(t *testing.T) {
			if got := titles(); len(got) != 1 || got[0] != "Sites web hébergés" {
				t.Fatalf("published = %q", got)
			}
		})
		t.Run("each item reports its state", func(t *testing.T) {
			for n, want := range map[*store.News]string{draft: store.NewsDraft, live: store.NewsPublished, later: store.NewsScheduled, gone: store.NewsExpired} {
				if got := n.State(now); got != want {
					t.Errorf("%s: state %s, want %s", n.Title, got, want)
				}
			}
		})
		t.Run("publishing a draft shows it and is journaled", func(t *testing.T) {
			if err := db.PublishNews(ctx, f.by, draft.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			if got := titles(); len(got) != 2 || got[0] != "Brouillon" {
				t.Fatalf("published = %q", got)
			}
			l := lastAudit(t, db)
			if l.Action != store.AuditNewsPublish || l.Target != "Brouillon" || l.ActorName != "Claire MARTIN" {
				t.Fatalf("audit %+v", l)
			}
		})
		t.Run("expiring an item hides it", func(t *testing.T) {
			if err := db.ExpireNews(ctx, f.by, live.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			if got := titles(); len(got) != 1 || got[0] != "Brouillon" {
				t.Fatalf("published = %q", got)
			}
		})
		t.Run("an expiry before publication is refused", func(t *testing.T) {
			n := &store.News{Title: "x", Body: "y", PublishedAt: now, ExpiresAt: ptr(now.Add(-time.Minute))}
			if err := db.SaveNews(ctx, f.by, n); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("SaveNews = %v, want ErrInvalid", err)
			}
		})
		t.Run("another académie's editor cannot reach the item", func(t *testing.T) {
			rouen := store.Editor{PersonID: f.rouenPerson.ID, Academy: "rouen"}
			if err := db.PublishNews(ctx, rouen, later.ID, time.Now()); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("PublishNews = %v, want ErrNotFound", err)
			}
			if err := db.DeleteNews(ctx, rouen, later.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("DeleteNews = %v, want ErrNotFound", err)
			}
		})
		t.Run("editing keeps the id and changes the text", func(t *testing.T) {
			later.Title = "Mouvement intra 2026"
			if err := db.SaveNews(ctx, f.by, later); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetNews(ctx, "creteil", later.ID)
			if err != nil || got.Title != "Mouvement intra 2026" {
				t.Fatalf("got %+v, %v", got, err)
			}
			if l := lastAudit(t, db); l.Action != store.AuditNewsUpdate {
				t.Fatalf("audit %+v", l)
			}
		})
	})
}

func TestNews(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		base := time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC)
		for i, title := range []string{"Ancienne", "Récente", "Moyenne"} {
			at := base.Add(time.Duration([]int{0, 48, 24}[i]) * time.Hour)
			if err := db.CreateNewsUnaudited(ctx, &store.News{AcademyCode: "creteil", Title: title, Body: "Texte.", PublishedAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateNewsUnaudited(ctx, &store.News{AcademyCode: "rouen", Title: "Ailleurs", Body: "Texte."}); err != nil {
			t.Fatal(err)
		}
		t.Run("news are listed newest first within the limit", func(t *testing.T) {
			ns, err := db.ListNews(ctx, "creteil", 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(ns) != 2 || ns[0].Title != "Récente" || ns[1].Title != "Moyenne" {
				t.Fatalf("news = %+v", ns)
			}
			if !ns[0].PublishedAt.Equal(base.Add(48 * time.Hour)) {
				t.Fatalf("published at %v", ns[0].PublishedAt)
			}
		})
		t.Run("news without a title is refused", func(t *testing.T) {
			if err := db.CreateNewsUnaudited(ctx, &store.News{AcademyCode: "creteil", Body: "x"}); err == nil {
				t.Fatal("untitled news accepted")
			}
		})
	})
}
