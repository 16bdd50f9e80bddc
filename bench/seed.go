package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"guichet/store"
)

// Vocabulary of generated tickets (as the search benchmark of store/).
var (
	seedEquipment = []string{"L'imprimante", "Le vidéoprojecteur", "L'écran", "Le poste de travail", "Le portable",
		"Le scanner", "La borne wifi", "Le tableau numérique", "Le copieur", "La tablette"}
	seedTrouble = []string{"ne s'allume plus", "affiche un bourrage papier", "reste noir au démarrage",
		"redémarre sans cesse", "ne se connecte pas au réseau", "est très lent depuis la mise à jour",
		"fait un bruit anormal", "n'imprime que des pages blanches", "ne détecte plus le câble HDMI",
		"demande un mot de passe administrateur"}
	seedPlace = []string{"au CDI", "en salle des professeurs", "au secrétariat", "en salle 204",
		"à la vie scolaire", "à l'intendance", "au laboratoire de sciences", "en salle informatique"}
	seedSolution = []string{"Remplacement du toner.", "Réinitialisation du mot de passe de messagerie.",
		"Câble réseau changé.", "Mise à jour du pilote.", "Nettoyage du rouleau d'entraînement."}
)

// seedTickets inserts n tickets straight into the tables, in batches (one
// in three in academy, the others in up to two other académies; one in 400 filed
// by requester), marked as having their workflow started (they have
// none: only reads are measured on them), with a created event each and a reply on one in three,
// then builds the search index. Their numbers start with "R".
func seedTickets(ctx context.Context, db *store.DB, academy string, requester int64, n int, logf func(string, ...any)) error {
	rng := rand.New(rand.NewPCG(1, 2))
	academies := []string{academy}
	all, err := db.ListAcademies(ctx)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	for _, a := range all {
		if a.Code != academy && len(academies) < 3 {
			academies = append(academies, a.Code)
		}
	}
	leaves := map[string][]store.Category{}
	for _, a := range academies {
		ls, err := db.Leaves(ctx, a)
		if err != nil || len(ls) == 0 {
			return fmt.Errorf("seed: categories of %s: %v", a, err)
		}
		leaves[a] = ls
	}
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
			req := int64(100000 + rng.IntN(5000))
			if k%400 == 0 {
				req = requester
			}
			status := statuses[rng.IntN(len(statuses))]
			ac := academies[k%len(academies)]
			leaf := leaves[ac][rng.IntN(len(leaves[ac]))]
			t := store.Ticket{
				Number:      fmt.Sprintf("R%s_%07d", created.Format("060102"), k),
				AcademyCode: ac, RequesterID: req, BeneficiaryID: req,
				Entity:     fmt.Sprintf("Établissement %d", req%300),
				CategoryID: leaf.ID, CategoryPath: leaf.Path, Urgency: 3, Impact: 3, Priority: 5,
				Private: rng.IntN(10) == 0,
				Description: seedEquipment[rng.IntN(len(seedEquipment))] + " " + seedTrouble[rng.IntN(len(seedTrouble))] +
					" " + seedPlace[rng.IntN(len(seedPlace))] + ".",
				Status: status, CreatedAt: created, UpdatedAt: created, ProjectedSeq: 1,
				// Marked started, or the intake resumer would start workflows for them.
				WorkflowStartedAt: &created,
			}
			if status == store.StatusResolved || status == store.StatusClosed {
				t.Solution = seedSolution[rng.IntN(len(seedSolution))]
			}
			ts[i] = t
			evs = append(evs, store.TicketEvent{TicketNumber: t.Number, Seq: 1, Kind: store.EventCreated, Public: true, Data: "{}", CreatedAt: created})
			if k%3 == 0 {
				evs = append(evs, store.TicketEvent{TicketNumber: t.Number, Seq: 2, Kind: "reply", Public: true, Data: "{}",
					Body: "Pouvez-vous préciser " + seedPlace[rng.IntN(len(seedPlace))] + " ?", CreatedAt: created.Add(time.Hour)})
			}
		}
		if _, err := db.NewInsert().Model(&ts).Exec(ctx); err != nil {
			return fmt.Errorf("seed: tickets: %w", err)
		}
		if _, err := db.NewInsert().Model(&evs).Exec(ctx); err != nil {
			return fmt.Errorf("seed: events: %w", err)
		}
		if (done+size)%50000 == 0 {
			logf("reads: %d tickets seeded", done+size)
		}
	}
	logf("reads: indexing %d tickets", n)
	if _, err := db.ReindexAllTickets(ctx); err != nil {
		return fmt.Errorf("seed: index: %w", err)
	}
	if db.Driver() == store.DriverPostgres {
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("seed: analyze: %w", err)
		}
	}
	return nil
}
