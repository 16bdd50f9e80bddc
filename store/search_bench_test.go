package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

// BenchmarkSearchTickets measures a full-text ticket search, as a
// technician (the whole académie) and as a requester (own tickets and the
// entity's), on SQLite and on PostgreSQL, over GUICHET_BENCH_TICKETS
// generated tickets (default 20,000) spread over three académies. It
// reports p50 and p99 latencies besides ns/op.
//
// At a million tickets (seeding takes several minutes per database):
//
//	GUICHET_BENCH_TICKETS=1000000 .ci/with-postgres \
//	  go test ./store/ -run '^$' -bench BenchmarkSearchTickets -benchtime 200x -timeout 2h
//
// PostgreSQL is storetest's server (GUICHET_TEST_POSTGRES_DSN or a
// throwaway one); with GUICHET_TEST_POSTGRES=off only SQLite runs.
func BenchmarkSearchTickets(b *testing.B) {
	n := 20000
	if v := os.Getenv("GUICHET_BENCH_TICKETS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("GUICHET_BENCH_TICKETS=%q: want a positive number", v)
		}
	}
	backends := []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}}
	if os.Getenv(storetest.EnvPostgres) != "off" {
		backends = append(backends, struct {
			name string
			open func(testing.TB) *store.DB
		}{"postgres", storetest.Postgres})
	}
	for _, be := range backends {
		db := be.open(b)
		start := time.Now()
		seedBenchTickets(b, db, n)
		b.Logf("%s: seeded and indexed %d tickets in %s", be.name, n, time.Since(start).Round(time.Millisecond))
		viewers := []struct {
			name string
			v    store.Viewer
		}{
			{"technician", store.Viewer{PersonID: 1, AcademyCode: "creteil", Entity: "DSI", SupportIn: []string{"creteil"}}},
			{"requester", store.Viewer{PersonID: 42, AcademyCode: "creteil", Entity: "Établissement 12"}},
		}
		queries := []string{"imprimante bourrage", "ecrans", "mot de passe messagerie", "vidéoprojecteur"}
		for _, vw := range viewers {
			b.Run(fmt.Sprintf("%s/%s", be.name, vw.name), func(b *testing.B) {
				ctx := context.Background()
				durations := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					q := queries[i%len(queries)]
					t0 := time.Now()
					if _, _, err := db.SearchTickets(ctx, vw.v, store.TicketSearch{Query: q}); err != nil {
						b.Fatal(err)
					}
					durations = append(durations, time.Since(t0))
				}
				b.StopTimer()
				slices.Sort(durations)
				pct := func(p float64) float64 {
					return float64(durations[int(p*float64(len(durations)-1))].Microseconds()) / 1000
				}
				b.ReportMetric(pct(0.50), "p50-ms")
				b.ReportMetric(pct(0.99), "p99-ms")
			})
		}
	}
}

// Vocabulary of generated tickets.
var (
	benchEquipment = []string{"L'imprimante", "Le vidéoprojecteur", "L'écran", "Le poste de travail", "Le portable",
		"Le scanner", "La borne wifi", "Le tableau numérique", "Le copieur", "La tablette"}
	benchTrouble = []string{"ne s'allume plus", "affiche un bourrage papier", "reste noir au démarrage",
		"redémarre sans cesse", "ne se connecte pas au réseau", "est très lent depuis la mise à jour",
		"fait un bruit anormal", "n'imprime que des pages blanches", "ne détecte plus le câble HDMI",
		"demande un mot de passe administrateur"}
	benchPlace = []string{"au CDI", "en salle des professeurs", "au secrétariat", "en salle 204",
		"à la vie scolaire", "à l'intendance", "au laboratoire de sciences", "en salle informatique"}
	benchSolution = []string{"Remplacement du toner.", "Réinitialisation du mot de passe de messagerie.",
		"Câble réseau changé.", "Mise à jour du pilote.", "Nettoyage du rouleau d'entraînement."}
	benchPaths = []string{"Matériel › Imprimante", "Matériel › Écran", "Matériel › Poste de travail",
		"Réseau › Wifi", "Logiciel › Messagerie", "Logiciel › ENT"}
)

// seedBenchTickets inserts n tickets (with a reply on one in three)
// straight into the tables in batches, then builds the search index.
func seedBenchTickets(b *testing.B, db *store.DB, n int) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	academies := []string{"creteil", "rouen", "versailles"}
	statuses := []string{store.StatusNew, store.StatusInProgress, store.StatusResolved, store.StatusClosed, store.StatusClosed}
	const batch = 1000
	base := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	for done := 0; done < n; done += batch {
		size := min(batch, n-done)
		ts := make([]store.Ticket, size)
		var evs []store.TicketEvent
		for i := range ts {
			k := done + i
			created := base.Add(time.Duration(k) * time.Minute)
			requester := int64(1 + rng.IntN(5000))
			status := statuses[rng.IntN(len(statuses))]
			t := store.Ticket{
				Number:      fmt.Sprintf("I%s_%06d", created.Format("060102"), k),
				AcademyCode: academies[k%len(academies)], RequesterID: requester, BeneficiaryID: requester,
				Entity:     fmt.Sprintf("Établissement %d", requester%300),
				CategoryID: int64(1 + rng.IntN(len(benchPaths))), Urgency: 3, Impact: 3, Priority: 5,
				Private: rng.IntN(10) == 0,
				Description: benchEquipment[rng.IntN(len(benchEquipment))] + " " + benchTrouble[rng.IntN(len(benchTrouble))] +
					" " + benchPlace[rng.IntN(len(benchPlace))] + ".",
				Status: status, CreatedAt: created, UpdatedAt: created, ProjectedSeq: 1,
			}
			t.CategoryPath = benchPaths[t.CategoryID-1]
			if status == store.StatusResolved || status == store.StatusClosed {
				t.Solution = benchSolution[rng.IntN(len(benchSolution))]
			}
			ts[i] = t
			evs = append(evs, store.TicketEvent{TicketNumber: t.Number, Seq: 1, Kind: store.EventCreated, Public: true, Data: "{}", CreatedAt: created})
			if k%3 == 0 {
				evs = append(evs, store.TicketEvent{TicketNumber: t.Number, Seq: 2, Kind: "reply", Public: true, Data: "{}",
					Body: "Pouvez-vous préciser " + benchPlace[rng.IntN(len(benchPlace))] + " ?", CreatedAt: created.Add(time.Hour)})
			}
		}
		if _, err := db.NewInsert().Model(&ts).Exec(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := db.NewInsert().Model(&evs).Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.ReindexAllTickets(ctx); err != nil {
		b.Fatal(err)
	}
	if db.Driver() == store.DriverPostgres {
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
}
