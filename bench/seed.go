package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"time"

	"guichet/store"
	"guichet/workflows"
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
	seedFirstNames = []string{"Camille", "Nadia", "Thomas", "Julie", "Karim", "Sophie", "Lucas", "Emma",
		"Mehdi", "Claire", "Hugo", "Inès", "Paul", "Léa", "Yanis", "Chloé"}
	seedLastNames = []string{"Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard",
		"Bonnet", "Mercier", "Benali", "Nguyen", "Rousseau", "Fontaine", "Chevalier", "Garnier", "Perrin"}
)

// GeneratedPrefix starts the number of every generated ticket; tickets
// filed through the application start with "I" (store.FormatTicketNumber).
// The rest of a generated number is the filing day (yymmdd), "_" and the
// ticket's index in the generated series, so that numbers, like real ones,
// sort by filing date.
const GeneratedPrefix = "G"

// Logins of generated people: GeneratedLoginPrefix.<académie>.<n> for
// requesters, GeneratedTechLoginPrefix.<académie>.<n> for technicians.
const (
	GeneratedLoginPrefix     = "genere"
	GeneratedTechLoginPrefix = "genere-tech"
)

// generatedBase is the filing time of generated ticket 0; ticket k is filed
// k minutes later (1,000,000 tickets span a little less than two years).
var generatedBase = time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)

// GenerateOptions say what Generate writes.
type GenerateOptions struct {
	// Tickets and Articles are how many of each to add.
	Tickets, Articles int
	// Academies receive the tickets in turn (ticket k goes to
	// Academies[k%len]) and the articles likewise; each must exist and
	// have leaf categories. Empty: up to three académies of the database.
	Academies []string
	// People is how many generated requesters each académie has (created
	// when missing, reused otherwise); 0: DefaultGeneratedPeople.
	People int
	// Technicians is how many generated technicians each académie has
	// (created with the technician role when missing); 0:
	// DefaultGeneratedTechnicians.
	Technicians int
	// Seed makes the content reproducible (with the same starting index).
	Seed uint64
	// Focus, when set, is a person (the benchmark's requester) who files one
	// ticket in 400 and is the beneficiary of one more in 800 filed by a
	// colleague, over every académie.
	Focus int64
	// Author, when set, writes every article; otherwise a generated
	// technician of the article's académie does.
	Author int64
	// Attachments adds a small text document to one ticket in 20.
	Attachments bool
	// Logf reports progress; nil discards it.
	Logf func(format string, args ...any)
}

// Defaults of GenerateOptions.
const (
	DefaultGeneratedPeople      = 1700
	DefaultGeneratedTechnicians = 8
)

// GenerateResult says what Generate wrote.
type GenerateResult struct {
	Academies []string
	// FirstIndex is the index of the first ticket written: 0 on a database
	// without generated tickets, the next index when appending.
	FirstIndex int
	// FirstNumber and LastNumber are the numbers of the first and last
	// ticket written ("" when none).
	FirstNumber, LastNumber                               string
	Tickets, Events, Attachments, Articles, PeopleCreated int
	// Indexed counts the tickets whose search entries were rebuilt.
	Indexed int
}

// CountTickets counts the generated tickets (numbered GeneratedPrefix…) and
// the others (filed through the application) of db.
func CountTickets(ctx context.Context, db *store.DB) (generated, other int, err error) {
	generated, err = db.NewSelect().Model((*store.Ticket)(nil)).Where("number LIKE ?", GeneratedPrefix+"%").Count(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("generate: count generated tickets: %w", err)
	}
	all, err := db.NewSelect().Model((*store.Ticket)(nil)).Count(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("generate: count tickets: %w", err)
	}
	return generated, all - generated, nil
}

// Generate writes a realistic volume straight into db, in batches: people
// of the directory when missing (requesters spread over 150 entities per
// académie, technicians with their role), tickets spread over the
// académies and over time with their whole timelines (created, picked up,
// replies, internal notes, information requested, resolved, accepted or
// closed, cancelled) and the ticket columns that follow from them, then
// knowledge-base articles. The tickets are marked as having their workflow
// started (they have none: they are for reads), then indexed for search.
//
// Generate appends: when generated tickets exist, the new ones are numbered
// after them (GenerateResult.FirstIndex) and only they are indexed. It
// never modifies a row it did not write. Callers decide whether a database
// holding real tickets may receive generated ones (CountTickets).
func Generate(ctx context.Context, db *store.DB, o GenerateOptions) (*GenerateResult, error) {
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if o.Tickets < 0 || o.Articles < 0 || o.People < 0 || o.Technicians < 0 {
		return nil, errors.New("generate: negative count")
	}
	if o.People == 0 {
		o.People = DefaultGeneratedPeople
	}
	if o.Technicians == 0 {
		o.Technicians = DefaultGeneratedTechnicians
	}
	g := &generation{db: db, o: o, res: &GenerateResult{}}
	if err := g.setup(ctx); err != nil {
		return nil, err
	}
	if err := g.tickets(ctx); err != nil {
		return g.res, err
	}
	if err := g.articles(ctx); err != nil {
		return g.res, err
	}
	if db.Driver() == store.DriverPostgres {
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			return g.res, fmt.Errorf("generate: analyze: %w", err)
		}
	}
	return g.res, nil
}

// generation is the state of one Generate call.
type generation struct {
	db     *store.DB
	o      GenerateOptions
	res    *GenerateResult
	leaves map[string][]store.Category
	people map[string][]*store.Person // requesters per académie
	techs  map[string][]*store.Person // technicians per académie
	focus  *store.Person
}

// setup checks the académies and loads or creates the generated people.
func (g *generation) setup(ctx context.Context) error {
	academies := g.o.Academies
	if len(academies) == 0 {
		all, err := g.db.ListAcademies(ctx)
		if err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		for _, a := range all[:min(3, len(all))] {
			academies = append(academies, a.Code)
		}
		if len(academies) == 0 {
			return errors.New("generate: the database has no académie")
		}
	}
	g.res.Academies = academies
	g.leaves = map[string][]store.Category{}
	for _, a := range academies {
		ls, err := g.db.Leaves(ctx, a)
		if err != nil {
			return fmt.Errorf("generate: categories of %s: %w", a, err)
		}
		if len(ls) == 0 {
			return fmt.Errorf("generate: académie %q is unknown or has no category", a)
		}
		g.leaves[a] = ls
	}
	if g.o.Focus != 0 {
		p, err := g.db.GetPerson(ctx, g.o.Focus)
		if err != nil {
			return fmt.Errorf("generate: focus person: %w", err)
		}
		g.focus = p
	}
	g.people, g.techs = map[string][]*store.Person{}, map[string][]*store.Person{}
	for _, a := range academies {
		var err error
		if g.people[a], err = g.ensurePeople(ctx, a, GeneratedLoginPrefix, g.o.People, ""); err != nil {
			return err
		}
		if g.techs[a], err = g.ensurePeople(ctx, a, GeneratedTechLoginPrefix, g.o.Technicians, store.RoleTechnician); err != nil {
			return err
		}
	}
	return nil
}

// ensurePeople returns the n generated people of academy whose logins start
// with prefix, creating the missing ones (granted role when set).
func (g *generation) ensurePeople(ctx context.Context, academy, prefix string, n int, role string) ([]*store.Person, error) {
	var have []*store.Person
	err := g.db.NewSelect().Model(&have).
		Where("login LIKE ?", prefix+"."+academy+".%").Order("login").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("generate: people of %s: %w", academy, err)
	}
	byLogin := map[string]*store.Person{}
	for _, p := range have {
		byLogin[p.Login] = p
	}
	out := make([]*store.Person, n)
	var missing []*store.Person
	for i := range n {
		login := fmt.Sprintf("%s.%s.%05d", prefix, academy, i+1)
		if p, ok := byLogin[login]; ok {
			out[i] = p
			continue
		}
		p := &store.Person{
			AcademyCode: academy, Login: login,
			FirstName: seedFirstNames[i%len(seedFirstNames)],
			LastName:  seedLastNames[(i/len(seedFirstNames))%len(seedLastNames)],
			Email:     login + "@genere.invalid",
			Entity:    fmt.Sprintf("Établissement %d", i%150),
			Location:  seedPlace[i%len(seedPlace)],
		}
		if role != "" {
			p.Entity, p.Service = "Rectorat", "Assistance"
		}
		out[i] = p
		missing = append(missing, p)
	}
	if len(missing) > 0 {
		if err := store.InsertPeople(ctx, g.db.DB, missing); err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
		g.res.PeopleCreated += len(missing)
	}
	if role != "" {
		grants := make([]store.RoleGrant, len(out))
		for i, p := range out {
			grants[i] = store.RoleGrant{PersonID: p.ID, AcademyCode: academy, Role: role}
		}
		if _, err := g.db.NewInsert().Model(&grants).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return nil, fmt.Errorf("generate: grant %s in %s: %w", role, academy, err)
		}
	}
	return out, nil
}

// nextIndex returns the index after the highest generated ticket.
func (g *generation) nextIndex(ctx context.Context) (int, error) {
	var last []string
	err := g.db.NewSelect().Model((*store.Ticket)(nil)).Column("number").
		Where("number LIKE ?", GeneratedPrefix+"%").OrderExpr("number DESC").Limit(1).Scan(ctx, &last)
	if err != nil {
		return 0, fmt.Errorf("generate: last generated ticket: %w", err)
	}
	if len(last) == 0 {
		return 0, nil
	}
	_, idx, ok := strings.Cut(last[0], "_")
	k, err := strconv.Atoi(idx)
	if !ok || err != nil {
		return 0, fmt.Errorf("generate: generated ticket %q has no index", last[0])
	}
	return k + 1, nil
}

// generatedNumber is the number of generated ticket k filed at created.
func generatedNumber(created time.Time, k int) string {
	return fmt.Sprintf("%s%s_%07d", GeneratedPrefix, created.Format("060102"), k)
}

// Statuses of generated tickets, weighted: three in five still open.
var generatedStatuses = []string{
	store.StatusNew, store.StatusNew, store.StatusInProgress, store.StatusInProgress, store.StatusWaiting, store.StatusResolved,
	store.StatusClosed, store.StatusClosed, store.StatusClosed, store.StatusCancelled,
}

// tickets writes o.Tickets tickets with their timelines, then indexes them.
func (g *generation) tickets(ctx context.Context) error {
	if g.o.Tickets == 0 {
		return nil
	}
	start, err := g.nextIndex(ctx)
	if err != nil {
		return err
	}
	g.res.FirstIndex = start
	rng := rand.New(rand.NewPCG(g.o.Seed, uint64(start)+1)) // #nosec G404 G115 -- seeded on purpose for reproducible data; start is the next generated-ticket index, never negative
	ticketCols := columnsOf(g.db, (*store.Ticket)(nil))
	eventCols := without(columnsOf(g.db, (*store.TicketEvent)(nil)), "id")
	attachCols := without(columnsOf(g.db, (*store.Attachment)(nil)), "id")
	const batch = 1000
	for done := 0; done < g.o.Tickets; done += batch {
		size := min(batch, g.o.Tickets-done)
		ts := make([]store.Ticket, size)
		var evs []store.TicketEvent
		var atts []store.Attachment
		for i := range ts {
			t, e, a := g.ticket(rng, start+done+i)
			ts[i] = t
			evs = append(evs, e...)
			atts = append(atts, a...)
		}
		// Every column named: otherwise bun, on SQLite, leaves out of the
		// whole batch each defaulted column that is zero in the first row
		// (one public first ticket would make the batch public).
		if _, err := g.db.NewInsert().Model(&ts).Column(ticketCols...).Exec(ctx); err != nil {
			return fmt.Errorf("generate: tickets: %w", err)
		}
		if _, err := g.db.NewInsert().Model(&evs).Column(eventCols...).Exec(ctx); err != nil {
			return fmt.Errorf("generate: events: %w", err)
		}
		if len(atts) > 0 {
			if _, err := g.db.NewInsert().Model(&atts).Column(attachCols...).Exec(ctx); err != nil {
				return fmt.Errorf("generate: attachments: %w", err)
			}
		}
		if g.res.FirstNumber == "" {
			g.res.FirstNumber = ts[0].Number
		}
		g.res.LastNumber = ts[len(ts)-1].Number
		g.res.Tickets += size
		g.res.Events += len(evs)
		g.res.Attachments += len(atts)
		if g.res.Tickets%50000 == 0 {
			g.o.Logf("generate: %d tickets written", g.res.Tickets)
		}
	}
	g.o.Logf("generate: indexing the %d new tickets for search", g.res.Tickets)
	n, err := g.db.ReindexTicketsFrom(ctx, g.res.FirstNumber)
	if err != nil {
		return fmt.Errorf("generate: index: %w", err)
	}
	g.res.Indexed = n
	return nil
}

// ticket builds generated ticket k: its row, its timeline and its
// documents.
func (g *generation) ticket(rng *rand.Rand, k int) (store.Ticket, []store.TicketEvent, []store.Attachment) {
	created := generatedBase.Add(time.Duration(k)*time.Minute + time.Duration(rng.IntN(60))*time.Second)
	ac := g.res.Academies[k%len(g.res.Academies)]
	people := g.people[ac]
	req := people[rng.IntN(len(people))]
	ben := req
	if rng.IntN(10) == 0 { // filed for a colleague
		ben = people[rng.IntN(len(people))]
	}
	switch {
	case g.focus != nil && k%400 == 0:
		req, ben = g.focus, g.focus
	case g.focus != nil && k%800 == 200:
		ben = g.focus
	}
	tech := g.techs[ac][rng.IntN(len(g.techs[ac]))]
	leaf := g.leaves[ac][rng.IntN(len(g.leaves[ac]))]
	status := generatedStatuses[rng.IntN(len(generatedStatuses))]
	urgency, impact := 1+rng.IntN(3), 1+rng.IntN(3)
	equipment, place := seedEquipment[rng.IntN(len(seedEquipment))], seedPlace[rng.IntN(len(seedPlace))]
	t := store.Ticket{
		Number:      generatedNumber(created, k),
		AcademyCode: ac, RequesterID: req.ID, BeneficiaryID: ben.ID,
		Entity: ben.Entity, Location: ben.Location, Phone: "01 23 45 67 89",
		CategoryID: leaf.ID, CategoryPath: leaf.Path,
		Urgency: urgency, Impact: impact, Priority: workflows.Priority(urgency, impact),
		Private:     rng.IntN(10) == 0,
		Description: equipment + " " + seedTrouble[rng.IntN(len(seedTrouble))] + " " + place + ".",
		Status:      status, CreatedAt: created,
		// Marked started, or the intake resumer would start workflows for them.
		WorkflowStartedAt: &created,
	}
	pickupDue := created.Add(4 * time.Hour)
	t.PickupDueAt = &pickupDue
	var evs []store.TicketEvent
	at := created
	add := func(kind string, actor *store.Person, public bool, body, data string, after time.Duration) {
		at = at.Add(after)
		e := store.TicketEvent{TicketNumber: t.Number, Seq: int64(len(evs) + 1), Kind: kind, Public: public,
			Body: body, Data: data, CreatedAt: at}
		if actor != nil {
			e.ActorID = &actor.ID
		}
		evs = append(evs, e)
	}
	minutes := func(lo, hi int) time.Duration { return time.Duration(lo+rng.IntN(hi-lo)) * time.Minute }
	add(workflows.EventCreated, req, true, "", fmt.Sprintf(`{"group":"","pickup_due":%q}`, pickupDue.Format(time.RFC3339)), 0)
	switch status {
	case store.StatusNew:
	case store.StatusCancelled:
		add(workflows.EventCancelled, req, true, "Le problème a disparu.", "{}", minutes(10, 600))
		closed := at
		t.ClosedAt = &closed
	default:
		add(workflows.EventPickedUp, tech, true, "", fmt.Sprintf(`{"technician":"%d"}`, tech.ID), minutes(5, 240))
		picked := at
		t.PickedUpAt, t.TechnicianID = &picked, &tech.ID
		t.Late = picked.After(pickupDue)
		if k%3 == 0 {
			add(workflows.EventReply, tech, true, "Pouvez-vous préciser "+place+" ?", "{}", minutes(10, 120))
		}
		if k%5 == 0 {
			add(workflows.EventNote, tech, false, "Vu avec le référent numérique de l'établissement.", "{}", minutes(5, 60))
		}
		if status == store.StatusWaiting {
			add(workflows.EventInfoRequested, tech, true, "Quel est le numéro d'inventaire de l'appareil ?", "{}", minutes(10, 240))
			break
		}
		if status == store.StatusInProgress {
			break
		}
		t.Solution = seedSolution[rng.IntN(len(seedSolution))]
		add(workflows.EventResolved, tech, true, t.Solution, `{"article":""}`, minutes(60, 3*24*60))
		resolved := at
		t.ResolvedAt = &resolved
		if status == store.StatusResolved {
			due := resolved.Add(7 * 24 * time.Hour)
			t.ValidationDueAt = &due
			break
		}
		if rng.IntN(2) == 0 {
			t.Validation, t.RatingDelay, t.RatingQuality = workflows.ValidationAccepted, 3+rng.IntN(3), 3+rng.IntN(3)
			add(workflows.EventAccepted, req, true, "Merci.",
				fmt.Sprintf(`{"rating_delay":"%d","rating_quality":"%d"}`, t.RatingDelay, t.RatingQuality), minutes(30, 2*24*60))
		} else {
			t.Validation = workflows.ValidationAuto
			add(workflows.EventClosed, nil, true, "", "{}", 7*24*time.Hour)
		}
		closed := at
		t.ClosedAt = &closed
	}
	t.UpdatedAt, t.ProjectedSeq = at, int64(len(evs))
	var atts []store.Attachment
	if g.o.Attachments && k%20 == 0 {
		data := []byte("Journal de l'appareil, ticket " + t.Number + " : erreur 0x0042.\n")
		atts = append(atts, store.Attachment{TicketNumber: t.Number, EventSeq: 1, UploaderID: req.ID,
			Filename: "journal.txt", ContentType: "text/plain", Size: int64(len(data)), Data: data, CreatedAt: created})
	}
	return t, evs, atts
}

// articles writes o.Articles knowledge-base articles in batches, spread over
// the académies as the tickets, written from the tickets' vocabulary: a
// title "equipment trouble", a Markdown body with the problem, where it
// happens and the solution. One in eight is shared with every académie,
// one in ten is a draft; solved counts vary.
func (g *generation) articles(ctx context.Context) error {
	if g.o.Articles == 0 {
		return nil
	}
	first, err := g.db.NewSelect().Model((*store.Article)(nil)).Count(ctx)
	if err != nil {
		return fmt.Errorf("generate: count articles: %w", err)
	}
	rng := rand.New(rand.NewPCG(g.o.Seed+3, uint64(first)+4)) // #nosec G404 G115 -- seeded on purpose for reproducible data; first is a row count, never negative
	const batch = 500
	base := time.Date(2023, 9, 1, 8, 0, 0, 0, time.UTC)
	for done := 0; done < g.o.Articles; done += batch {
		size := min(batch, g.o.Articles-done)
		as := make([]store.Article, size)
		for i := range as {
			k := first + done + i
			ac := g.res.Academies[k%len(g.res.Academies)]
			leaf := g.leaves[ac][rng.IntN(len(g.leaves[ac]))]
			equipment, trouble := seedEquipment[rng.IntN(len(seedEquipment))], seedTrouble[rng.IntN(len(seedTrouble))]
			solution := seedSolution[rng.IntN(len(seedSolution))]
			created := base.Add(time.Duration(k) * 3 * time.Hour)
			author := g.o.Author
			if author == 0 {
				author = g.techs[ac][rng.IntN(len(g.techs[ac]))].ID
			}
			as[i] = store.Article{
				AcademyCode: ac, Shared: k%8 == 0, Published: k%10 != 0,
				Title: fmt.Sprintf("%s %s (fiche %d)", equipment, trouble, k+1),
				Body: fmt.Sprintf("## Problème\n\n%s %s %s.\n\n## Solution\n\n%s\n\n- Vérifiez les câbles.\n- Redémarrez l'appareil.\n",
					equipment, trouble, seedPlace[rng.IntN(len(seedPlace))], solution),
				CategoryID: &leaf.ID, CategoryPath: leaf.Path, AuthorID: &author,
				SolvedCount: rng.IntN(40), CreatedAt: created, UpdatedAt: created.Add(time.Duration(rng.IntN(90*24)) * time.Hour),
			}
		}
		if err := g.db.InsertArticles(ctx, as); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		g.res.Articles += size
	}
	g.o.Logf("generate: %d articles written", g.res.Articles)
	return nil
}

// seedReads fills the database of the reads section: tickets and articles
// generated over academy and up to two other académies, the benchmark's
// requester filing one ticket in 400 and its technician writing the
// articles. A database that already holds generated tickets (written by
// `guichet generate --focus agent.<academy>`) is measured as it is: nothing
// is added, and the counts returned are the ones found.
func seedReads(ctx context.Context, db *store.DB, academy string, requester, author int64, tickets, articles int, logf func(string, ...any)) (nTickets, nArticles int, seeded bool, err error) {
	generated, _, err := CountTickets(ctx, db)
	if err != nil {
		return 0, 0, false, err
	}
	if generated > 0 {
		n, err := db.NewSelect().Model((*store.Article)(nil)).Count(ctx)
		if err != nil {
			return 0, 0, false, fmt.Errorf("seed: count articles: %w", err)
		}
		logf("reads: %d generated tickets and %d articles found: measuring on them, nothing seeded", generated, n)
		return generated, n, false, nil
	}
	academies, err := seedAcademies(ctx, db, academy)
	if err != nil {
		return 0, 0, false, err
	}
	_, err = Generate(ctx, db, GenerateOptions{Tickets: tickets, Articles: articles, Academies: academies,
		Focus: requester, Author: author, Seed: 1, Logf: logf})
	return tickets, articles, true, err
}

// seedAcademies returns academy and up to two other académies.
func seedAcademies(ctx context.Context, db *store.DB, academy string) ([]string, error) {
	academies := []string{academy}
	all, err := db.ListAcademies(ctx)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	for _, a := range all {
		if a.Code != academy && len(academies) < 3 {
			academies = append(academies, a.Code)
		}
	}
	return academies, nil
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

// without returns cols without name.
func without(cols []string, name string) []string {
	out := cols[:0:0]
	for _, c := range cols {
		if c != name {
			out = append(out, c)
		}
	}
	return out
}
