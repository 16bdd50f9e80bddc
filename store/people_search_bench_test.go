package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/uptrace/bun"

	"guichet/store"
	"guichet/store/storetest"
)

// benchPeople is the directory size the search must stay fast on.
const benchPeople = 200_000

// fillDirectory inserts n generated people spread over three académies,
// with French names (accents included).
func fillDirectory(b *testing.B, db *store.DB, n int) {
	b.Helper()
	ctx := context.Background()
	for _, code := range []string{"creteil", "rouen", "versailles"} {
		if err := db.UpsertAcademy(ctx, &store.Academy{Code: code, Name: code}); err != nil {
			b.Fatal(err)
		}
	}
	last := []string{"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
		"Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
		"Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Müller", "Lefebvre", "Faure", "André"}
	first := []string{"Jean-Noël", "Marie", "Élodie", "Chloé", "Léa", "Hugo", "Louis", "Zoé", "Gaëlle", "Jérôme",
		"Anne", "Paul", "Inès", "Nathan", "Théo", "Camille", "Manon", "Lucas", "Sarah", "Emma"}
	codes := []string{"creteil", "rouen", "versailles"}
	r := rand.New(rand.NewPCG(1, 2))
	err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		people := make([]*store.Person, 0, 5000)
		for i := 0; i < n; i++ {
			// A suffix makes most last names rare, as in a real directory.
			people = append(people, &store.Person{
				AcademyCode: codes[i%3], Login: fmt.Sprintf("p%06d", i),
				LastName:  fmt.Sprintf("%s%s", last[r.IntN(len(last))], suffix(r)),
				FirstName: first[r.IntN(len(first))],
			})
			if len(people) == cap(people) || i == n-1 {
				if err := store.InsertPeople(ctx, tx, people); err != nil {
					return err
				}
				people = people[:0]
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if db.Driver() == store.DriverPostgres {
		if _, err := db.ExecContext(ctx, "ANALYZE people"); err != nil {
			b.Fatal(err)
		}
	} else if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}

// suffix returns "" most of the time, else a letter pair ("-ab").
func suffix(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return ""
	}
	return fmt.Sprintf("-%c%c", 'a'+r.IntN(26), 'a'+r.IntN(26))
}

// BenchmarkSearchPeople searches a directory of 200,000 people by name
// prefix on both databases: a common last name, a last name and a first
// name, a first name alone, and a prefix nobody has (the worst case: no
// early stop).
func BenchmarkSearchPeople(b *testing.B) {
	for _, backend := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(backend.name, func(b *testing.B) {
			db := backend.open(b)
			fillDirectory(b, db, benchPeople)
			ctx := context.Background()
			for _, q := range []struct{ name, academy, query string }{
				{"common last name", "creteil", "martin"},
				{"last and first name", "creteil", "lef jean"},
				{"first name alone", "rouen", "gaelle"},
				{"accents and case", "versailles", "MÜLLER zoé"},
				{"nobody", "creteil", "xyzzy"},
				{"every académie", "", "dupont ch"},
			} {
				b.Run(q.name, func(b *testing.B) {
					for b.Loop() {
						if _, err := db.SearchPeople(ctx, q.academy, q.query, 20); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
