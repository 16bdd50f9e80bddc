// Package demo loads the demonstration data of the embedded default
// (`guichet dev`): académies, category trees, support groups, news, a staff
// directory of a few hundred people and the demo sign-ins.
package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/config"
	"guichet/store"
)

// Password is the password of every demo sign-in (development only).
const Password = "guichet"

// AdminLogin is the demo global administrator; its presence marks the demo
// data as loaded.
const AdminLogin = "admin"

// Demo sign-in prefixes, completed with "." and an académie code.
const (
	AgentPrefix      = "agent"       // requester
	ColleaguePrefix  = "collegue"    // requester of the same entity as agent
	TechnicianPrefix = "tech"        // technician, member of the intake group
	SupervisorPrefix = "superviseur" // supervisor
)

// Logins lists the demo sign-ins for these académie codes: admin first,
// then per académie agent, collegue, tech and superviseur. All use Password.
func Logins(codes []string) []string {
	out := []string{AdminLogin}
	for _, c := range codes {
		for _, p := range []string{AgentPrefix, ColleaguePrefix, TechnicianPrefix, SupervisorPrefix} {
			out = append(out, p+"."+c)
		}
	}
	return out
}

// DefaultAcademies are loaded when Load is given none.
func DefaultAcademies() []config.Academy {
	return []config.Academy{
		{Code: "creteil", Name: "Créteil"},
		{Code: "rouen", Name: "Rouen"},
		{Code: "versailles", Name: "Versailles"},
	}
}

// Load fills an empty database with the demo data, in one transaction. It
// does nothing and returns false when the data is already there (the admin
// sign-in exists). academies defaults to DefaultAcademies.
func Load(ctx context.Context, db *store.DB, academies []config.Academy, logger *slog.Logger) (loaded bool, err error) {
	if len(academies) == 0 {
		academies = DefaultAcademies()
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if done, err := alreadyLoaded(ctx, db.DB); err != nil || done {
		return false, err
	}
	start := time.Now()
	// One hash for every demo sign-in: argon2id is slow on purpose.
	hash, err := store.HashPassword(Password)
	if err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	g := newGenerator(hash)
	var counts loadCounts
	err = db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if done, err := alreadyLoaded(ctx, tx); err != nil || done {
			return err
		}
		counts, err = g.load(ctx, tx, academies, time.Now().UTC())
		return err
	})
	if err != nil {
		return false, fmt.Errorf("demo: load: %w", err)
	}
	if counts.people == 0 {
		return false, nil // loaded concurrently by another process
	}
	logger.Info("demo data loaded",
		"academies", len(academies), "people", counts.people, "categories", counts.categories,
		"assets", counts.assets, "news", counts.news, "duration", time.Since(start).Round(time.Millisecond))
	return true, nil
}

func alreadyLoaded(ctx context.Context, db bun.IDB) (bool, error) {
	ok, err := db.NewSelect().Model((*store.Person)(nil)).Where("login = ?", AdminLogin).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("demo: look for %s: %w", AdminLogin, err)
	}
	return ok, nil
}

// loadCounts sums up what a load wrote.
type loadCounts struct {
	people, categories, assets, news int
}

// member records the intent to put a person in a group of their académie.
type member struct {
	person *store.Person
	group  string // groupIntake, groupNetwork, groupApps
}

// generator builds the demo directory deterministically.
type generator struct {
	hash    string
	logins  map[string]bool
	emails  map[string]bool
	people  []*store.Person
	grants  []grantIntent
	members []member
	assets  []assetIntent
}

type grantIntent struct {
	person  *store.Person
	academy string
	role    string
}

type assetIntent struct {
	person *store.Person
	asset  store.Asset
}

func newGenerator(hash string) *generator {
	return &generator{hash: hash, logins: map[string]bool{}, emails: map[string]bool{}}
}

// load writes everything through tx.
func (g *generator) load(ctx context.Context, tx bun.Tx, academies []config.Academy, now time.Time) (loadCounts, error) {
	var c loadCounts
	rows := make([]store.Academy, len(academies))
	for i, a := range academies {
		rows[i] = store.Academy{Code: a.Code, Name: a.Name, Logo: a.Logo, CreatedAt: now}
	}
	if err := store.UpsertAcademies(ctx, tx, rows); err != nil {
		return c, err
	}
	groups := map[string]map[string]int64{} // académie → group key → ID
	for _, a := range academies {
		ids, err := createGroups(ctx, tx, a.Code)
		if err != nil {
			return c, err
		}
		groups[a.Code] = ids
		n, err := createCategories(ctx, tx, a.Code, nil, categoryTree(), ids)
		if err != nil {
			return c, err
		}
		c.categories += n
		for _, item := range academyNews(a.Code, a.Name, geographyOf(a).Domain) {
			n := &store.News{AcademyCode: a.Code, Title: item.Title, Body: item.Body,
				PublishedAt: now.Add(-time.Duration(item.DaysAgo) * 24 * time.Hour)}
			if err := store.CreateNewsUnauditedTx(ctx, tx, n); err != nil {
				return c, err
			}
			c.news++
		}
	}
	home := academies[0].Code
	for _, a := range academies {
		if a.Code == "creteil" {
			home = a.Code
		}
	}
	for _, a := range academies {
		g.academy(a, a.Code == home)
	}
	// The global administrator also administers every académie.
	for _, p := range g.people {
		if p.Login == AdminLogin {
			for _, a := range academies {
				g.grants = append(g.grants, grantIntent{p, a.Code, store.RoleAdministrator})
			}
		}
	}
	if err := store.InsertPeople(ctx, tx, g.people); err != nil {
		return c, err
	}
	c.people = len(g.people)

	grants := make([]store.RoleGrant, 0, len(g.people)+len(g.grants))
	for _, p := range g.people {
		grants = append(grants, store.RoleGrant{PersonID: p.ID, AcademyCode: p.AcademyCode, Role: store.RoleRequester})
	}
	for _, gi := range g.grants {
		grants = append(grants, store.RoleGrant{PersonID: gi.person.ID, AcademyCode: gi.academy, Role: gi.role})
	}
	if err := store.GrantRolesUnaudited(ctx, tx, grants); err != nil {
		return c, err
	}
	members := make([]store.GroupMember, len(g.members))
	for i, m := range g.members {
		members[i] = store.GroupMember{GroupID: groups[m.person.AcademyCode][m.group], PersonID: m.person.ID, Available: true}
	}
	if err := store.AddGroupMembersUnaudited(ctx, tx, members); err != nil {
		return c, err
	}
	assets := make([]*store.Asset, len(g.assets))
	for i, ai := range g.assets {
		a := ai.asset
		a.PersonID = ai.person.ID
		assets[i] = &a
	}
	if err := store.InsertAssets(ctx, tx, assets); err != nil {
		return c, err
	}
	c.assets = len(assets)
	return c, nil
}

// groupSpecs are the demo support groups of every académie.
func groupSpecs() []struct {
	key   string
	group store.Group
} {
	return []struct {
		key   string
		group store.Group
	}{
		{groupIntake, store.Group{Name: "Plateforme d'assistance", Level: 1, Intake: true}},
		{groupNetwork, store.Group{Name: "Réseau et télécoms", Level: 2}},
		{groupApps, store.Group{Name: "Applications académiques", Level: 2}},
	}
}

func createGroups(ctx context.Context, tx bun.IDB, academy string) (map[string]int64, error) {
	ids := map[string]int64{}
	for _, s := range groupSpecs() {
		grp := s.group
		grp.AcademyCode = academy
		if err := store.CreateGroupUnauditedTx(ctx, tx, &grp); err != nil {
			return nil, err
		}
		ids[s.key] = grp.ID
	}
	return ids, nil
}

// createCategories writes nodes under parent and returns how many it wrote.
func createCategories(ctx context.Context, tx bun.IDB, academy string, parent *int64, nodes []categoryNode, groups map[string]int64) (int, error) {
	n := 0
	for i, node := range nodes {
		c := &store.Category{AcademyCode: academy, ParentID: parent, Name: node.Name, Position: i + 1}
		if node.Route != "" {
			id := groups[node.Route]
			c.GroupID = &id
		}
		if err := store.CreateCategoryUnauditedTx(ctx, tx, c); err != nil {
			return n, err
		}
		n++
		k, err := createCategories(ctx, tx, academy, &c.ID, node.Children, groups)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// geographyOf returns the académie's geography, or a plausible one for
// an académie the demo does not know.
func geographyOf(a config.Academy) geography {
	if geo, ok := geographies()[a.Code]; ok {
		return geo
	}
	upper := strings.ToUpper(store.NameKey(a.Name, ""))
	return geography{
		RectoratDept: "00", RectoratCity: upper, Upper: upper, Domain: "ac-" + a.Code + ".fr", RectoratTel: "01 00 00",
		Departments: []department{{"00", "DE L'ACADEMIE DE " + upper, upper, []string{upper}, "01 00"}},
	}
}

// fixedNames are the names of the demo sign-ins of the default académies:
// agent, collegue, tech, superviseur.
func fixedNames() map[string][4][2]string {
	return map[string][4][2]string{
		"creteil":    {{"Dugenetay", "Pascale"}, {"Benali", "Karim"}, {"Roux", "Nadia"}, {"Fontaine", "Isabelle"}},
		"rouen":      {{"Lemaire", "Sophie"}, {"Hébert", "Thomas"}, {"Lambert", "Olivier"}, {"Leclerc", "François"}},
		"versailles": {{"Perrin", "Nathalie"}, {"Marchand", "Julien"}, {"Haddad", "Samir"}, {"Girard", "Catherine"}},
	}
}

// place is where a person works.
type place struct {
	location, entity, phoneBase string
}

// academyGen generates one académie's people with its own seeded source,
// so an académie's directory does not depend on the others.
type academyGen struct {
	*generator
	a   config.Academy
	geo geography
	rnd *rand.Rand
}

func (g *generator) academy(a config.Academy, home bool) {
	h := fnv.New64a()
	// hash.Hash.Write never returns an error.
	_, _ = h.Write([]byte(a.Code))
	ag := &academyGen{generator: g, a: a, geo: geographyOf(a), rnd: rand.New(rand.NewPCG(h.Sum64(), 2026))} // #nosec G404 -- seeded on purpose: the demo directory must be reproducible, nothing secret is drawn
	geo := ag.geo
	rectorat := place{
		location:  fmt.Sprintf("%s/%s/RECTORAT ACADEMIE DE %s", geo.RectoratDept, geo.RectoratCity, geo.Upper),
		entity:    fmt.Sprintf("EN/ACADEMIE DE %s/RECTORAT DE %s", geo.Upper, geo.Upper),
		phoneBase: geo.RectoratTel,
	}

	// The demo sign-ins.
	names, ok := fixedNames()[a.Code]
	if !ok {
		for i := range names {
			names[i] = ag.randomName()
		}
	}
	agent := ag.person(names[0], AgentPrefix+"."+a.Code, rectorat, "DIPER - Division des personnels enseignants", "Bâtiment A, bureau 214")
	colleague := ag.person(names[1], ColleaguePrefix+"."+a.Code, rectorat, "DIPER - Division des personnels enseignants", "Bâtiment A, bureau 216")
	tech := ag.person(names[2], TechnicianPrefix+"."+a.Code, rectorat, "DSI - Plateforme d'assistance", "Bâtiment C, bureau 012")
	super := ag.person(names[3], SupervisorPrefix+"."+a.Code, rectorat, "DSI - Plateforme d'assistance", "Bâtiment C, bureau 020")
	for _, p := range []*store.Person{agent, colleague, tech, super} {
		p.PasswordHash = g.hash
	}
	ag.giveAsset(agent, 0, "Bâtiment A, bureau 214")
	ag.giveAsset(agent, 1, "Bâtiment A, bureau 214")
	ag.giveAsset(agent, 3, "Bâtiment A, couloir du 2e étage")
	ag.giveAsset(colleague, 2, "Bâtiment A, bureau 216")
	g.grants = append(g.grants,
		grantIntent{tech, a.Code, store.RoleTechnician},
		grantIntent{super, a.Code, store.RoleSupervisor})
	g.members = append(g.members, member{tech, groupIntake})

	if home {
		admin := ag.person([2]string{"Administrateur", "Guichet"}, AdminLogin, rectorat, "DSI - Division des systèmes d'information", "Bâtiment C, bureau 001")
		admin.PasswordHash = g.hash
		admin.GlobalAdmin = true
		admin.Email = "admin.guichet@" + geo.Domain
	}

	// More technicians, without sign-in, so routing has choices.
	for _, t := range []struct{ service, group string }{
		{"DSI - Plateforme d'assistance", groupIntake},
		{"DSI - Pôle réseau et télécoms", groupNetwork},
		{"DSI - Pôle applications", groupApps},
	} {
		p := ag.person(ag.randomName(), "", rectorat, t.service, fmt.Sprintf("Bâtiment C, bureau 0%02d", 1+ag.rnd.IntN(40)))
		g.grants = append(g.grants, grantIntent{p, a.Code, store.RoleTechnician})
		g.members = append(g.members, member{p, t.group})
	}

	// The directory: rectorat, DSDEN, schools.
	for range 32 {
		ag.staff(rectorat, rectoratServices(), fmt.Sprintf("Bâtiment %c, bureau %d%02d", 'A'+ag.rnd.IntN(3), 1+ag.rnd.IntN(3), 1+ag.rnd.IntN(30)))
	}
	patrons := schoolPatrons()
	ag.rnd.Shuffle(len(patrons), func(i, j int) { patrons[i], patrons[j] = patrons[j], patrons[i] })
	kinds := schoolKinds()
	school := 0
	for _, d := range geo.Departments {
		dsden := place{
			location:  fmt.Sprintf("%s/%s/DSDEN %s", d.Num, d.DSDENCity, d.Of),
			entity:    fmt.Sprintf("EN/ACADEMIE DE %s/DSDEN %s", geo.Upper, d.Num),
			phoneBase: fmt.Sprintf("%s %02d", d.PhonePlace, 10+ag.rnd.IntN(90)),
		}
		for range 8 {
			ag.staff(dsden, dsdenServices(), fmt.Sprintf("Bureau %d%02d", 1+ag.rnd.IntN(2), 1+ag.rnd.IntN(20)))
		}
		for i := range 3 {
			kind := kinds[ag.rnd.IntN(len(kinds))]
			name := kind + " " + patrons[school%len(patrons)]
			school++
			uai := fmt.Sprintf("0%s%04d%c", d.Num, ag.rnd.IntN(10000), 'A'+ag.rnd.IntN(26))
			city := d.Cities[(i+ag.rnd.IntN(len(d.Cities)))%len(d.Cities)]
			eple := place{
				location:  fmt.Sprintf("%s/%s/%s", d.Num, city, name),
				entity:    fmt.Sprintf("EN/ACADEMIE DE %s/EPLE/%s %s", geo.Upper, uai, name),
				phoneBase: fmt.Sprintf("%s %02d %02d", d.PhonePlace, 10+ag.rnd.IntN(90), 10+ag.rnd.IntN(90)),
			}
			for range 7 {
				ag.staff(eple, schoolServices(), "")
			}
		}
	}
}

func (ag *academyGen) randomName() [2]string {
	lasts, firsts := lastNames(), firstNames()
	return [2]string{lasts[ag.rnd.IntN(len(lasts))], firsts[ag.rnd.IntN(len(firsts))]}
}

// staff adds a generated person at a place, with a service from services,
// an office (schools derive it from the service) and maybe some equipment.
func (ag *academyGen) staff(at place, services []string, office string) {
	service := services[ag.rnd.IntN(len(services))]
	if office == "" {
		switch service {
		case "Enseignement", "Laboratoire de sciences":
			office = fmt.Sprintf("Salle %d%02d", 1+ag.rnd.IntN(3), 1+ag.rnd.IntN(20))
		case "CDI", "Vie scolaire", "Accueil":
			office = service
		default:
			office = "Administration, bureau " + fmt.Sprint(1+ag.rnd.IntN(15))
		}
	}
	p := ag.person(ag.randomName(), "", at, service, office)
	// Equipment for about half the directory.
	switch r := ag.rnd.IntN(100); {
	case r < 35:
		ag.giveAsset(p, 0, office)
		if ag.rnd.IntN(2) == 0 {
			ag.giveAsset(p, 1, office)
		}
	case r < 50:
		ag.giveAsset(p, 2, office)
	}
	if ag.rnd.IntN(100) < 8 {
		ag.giveAsset(p, 3, office)
	}
	if service == "Enseignement" && ag.rnd.IntN(100) < 20 {
		ag.giveAsset(p, 4, office)
	}
}

// person adds a person; an empty login is derived from the name
// (initial + last name, numbered when taken).
func (ag *academyGen) person(name [2]string, login string, at place, service, office string) *store.Person {
	last, first := name[0], name[1]
	lastKey := strings.ReplaceAll(store.NameKey(last, ""), " ", "")
	firstKey := strings.ReplaceAll(store.NameKey(first, ""), " ", "-")
	if login == "" {
		base := firstKey[:1] + lastKey
		login = base
		for n := 2; ag.logins[login]; n++ {
			login = fmt.Sprintf("%s%d", base, n)
		}
	}
	ag.logins[login] = true
	email := firstKey + "." + lastKey
	for n := 2; ag.emails[email]; n++ {
		email = fmt.Sprintf("%s.%s%d", firstKey, lastKey, n)
	}
	ag.emails[email] = true
	p := &store.Person{
		AcademyCode: ag.a.Code,
		Login:       login,
		LastName:    last,
		FirstName:   first,
		Email:       email + "@" + ag.geo.Domain,
		Phone:       ag.phone(at.phoneBase),
		Location:    at.location,
		Entity:      at.entity,
		Service:     service,
		Office:      office,
	}
	ag.people = append(ag.people, p)
	return p
}

// phone completes a phone number prefix ("01 57 02") with random pairs
// of digits up to the ten digits of a French number.
func (ag *academyGen) phone(prefix string) string {
	n := prefix
	for len(n) < len("01 23 45 67 89") {
		n += fmt.Sprintf(" %02d", ag.rnd.IntN(100))
	}
	return n
}

// giveAsset gives p a piece of equipment of assetKinds()[kind].
func (ag *academyGen) giveAsset(p *store.Person, kind int, placement string) {
	k := assetKinds()[kind]
	m := k.Models[ag.rnd.IntN(len(k.Models))]
	const alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	serial := make([]byte, 10)
	for i := range serial {
		serial[i] = alnum[ag.rnd.IntN(len(alnum))]
	}
	ms := maintenances()
	ag.assets = append(ag.assets, assetIntent{person: p, asset: store.Asset{
		Kind: k.Kind, Brand: m[0], Model: m[1], Serial: string(serial),
		Maintenance: ms[ag.rnd.IntN(len(ms))], Placement: placement,
	}})
}
