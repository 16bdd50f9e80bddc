package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
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
	academies, leaves, err := seedAcademies(ctx, db, academy)
	if err != nil {
		return err
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
		// Every column named: otherwise bun, on SQLite, leaves out of the
		// whole batch each defaulted column that is zero in the first row
		// (one public first ticket would make the batch public).
		if _, err := db.NewInsert().Model(&ts).Column(columnsOf(db, (*store.Ticket)(nil))...).Exec(ctx); err != nil {
			return fmt.Errorf("seed: tickets: %w", err)
		}
		if _, err := db.NewInsert().Model(&evs).ExcludeColumn("id").Exec(ctx); err != nil {
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

// seedAcademies returns academy and up to two other académies, with the
// leaf categories of each.
func seedAcademies(ctx context.Context, db *store.DB, academy string) ([]string, map[string][]store.Category, error) {
	academies := []string{academy}
	all, err := db.ListAcademies(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("seed: %w", err)
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
			return nil, nil, fmt.Errorf("seed: categories of %s: %v", a, err)
		}
		leaves[a] = ls
	}
	return academies, leaves, nil
}

// seedArticles inserts n knowledge-base articles in batches, spread over
// academy and up to two other académies (as seedTickets), written from the
// tickets' vocabulary: a title "equipment trouble", a Markdown body with
// the problem, where it happens and the solution. One in eight is shared
// with every académie, one in ten is a draft; solved counts vary. Written
// by author (0: none).
func seedArticles(ctx context.Context, db *store.DB, academy string, author int64, n int, logf func(string, ...any)) error {
	rng := rand.New(rand.NewPCG(3, 4))
	academies, leaves, err := seedAcademies(ctx, db, academy)
	if err != nil {
		return err
	}
	const batch = 500
	base := time.Date(2023, 9, 1, 8, 0, 0, 0, time.UTC)
	for done := 0; done < n; done += batch {
		size := min(batch, n-done)
		as := make([]store.Article, size)
		for i := range as {
			k := done + i
			ac := academies[k%len(academies)]
			leaf := leaves[ac][rng.IntN(len(leaves[ac]))]
			equipment, trouble := seedEquipment[rng.IntN(len(seedEquipment))], seedTrouble[rng.IntN(len(seedTrouble))]
			solution := seedSolution[rng.IntN(len(seedSolution))]
			created := base.Add(time.Duration(k) * 3 * time.Hour)
			a := store.Article{
				AcademyCode: ac, Shared: k%8 == 0, Published: k%10 != 0,
				Title: fmt.Sprintf("%s %s (fiche %d)", equipment, trouble, k+1),
				Body: fmt.Sprintf("## Problème\n\n%s %s %s.\n\n## Solution\n\n%s\n\n- Vérifiez les câbles.\n- Redémarrez l'appareil.\n",
					equipment, trouble, seedPlace[rng.IntN(len(seedPlace))], solution),
				CategoryID: &leaf.ID, CategoryPath: leaf.Path,
				SolvedCount: rng.IntN(40), CreatedAt: created, UpdatedAt: created.Add(time.Duration(rng.IntN(90*24)) * time.Hour),
			}
			if author > 0 {
				a.AuthorID = &author
			}
			as[i] = a
		}
		if err := db.InsertArticles(ctx, as); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	logf("reads: %d articles seeded", n)
	if db.Driver() == store.DriverPostgres {
		if _, err := db.ExecContext(ctx, "ANALYZE kb_articles"); err != nil {
			return fmt.Errorf("seed: analyze: %w", err)
		}
	}
	return nil
}

// columnsOf lists the columns of a model's table.
func columnsOf(db *store.DB, model any) []string {
	t := db.Table(reflect.TypeOf(model).Elem())
	cols := make([]string, 0, len(t.Fields))
	for _, f := range t.Fields {
		cols = append(cols, f.Name)
	}
	return cols
}
