package stacktest

import (
	"context"
	"testing"

	"guichet/store"
	"guichet/workflows"
)

// Password is the password of every seeded account.
const Password = "correct horse battery"

// Entities of the seeded directory.
const (
	Entity      = "EN/ACADEMIE DE CRETEIL/RECTORAT DE CRETEIL"
	OtherEntity = "EN/ACADEMIE DE CRETEIL/DSDEN DU VAL-DE-MARNE"
	School      = "0940120X/LYCEE LOUISE MICHEL/CHAMPIGNY-SUR-MARNE"
)

// Logins of the seeded people: agent, collegue (same entity as agent),
// etranger (another entity), eleve (school staff, no account), tech (in
// the intake group), superviseur, all of Créteil, and rouen (a requester
// of Rouen).
var Logins = []string{"agent", "collegue", "etranger", "eleve", "tech", "superviseur", "rouen"}

// World is the seeded directory.
type World struct {
	// People by login (see Logins).
	People map[string]*store.Person
	// Leaves of Créteil's category tree by name: "Écran", "Imprimante"
	// (under "Matériel"), "Messagerie" (under "Applications
	// académiques").
	Leaves map[string]store.Category
	// Group is Créteil's intake (level-1) group, "Plateforme
	// d'assistance".
	Group int64
	db    *store.DB
}

// Seed fills db with the académies of Créteil and Rouen, a news item of
// Créteil, its intake group, the people of Logins (with Password, but
// eleve; tech a member of the group), two assets and the category tree.
func Seed(t testing.TB, db *store.DB) *World {
	t.Helper()
	ctx := context.Background()
	w := &World{People: map[string]*store.Person{}, Leaves: map[string]store.Category{}, db: db}
	for _, a := range []store.Academy{{Code: "creteil", Name: "Académie de Créteil"}, {Code: "rouen", Name: "Académie de Rouen"}} {
		if err := db.UpsertAcademy(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateNewsUnaudited(ctx, &store.News{AcademyCode: "creteil", Title: "Bienvenue sur Guichet",
		Body: "La plateforme d'assistance est ouverte."}); err != nil {
		t.Fatal(err)
	}
	g := &store.Group{AcademyCode: "creteil", Name: "Plateforme d'assistance", Level: 1, Intake: true}
	if err := db.CreateGroupUnaudited(ctx, g); err != nil {
		t.Fatal(err)
	}
	w.Group = g.ID
	const rectorat, dsi = "94/CRETEIL/RECTORAT ACADEMIE DE CRETEIL", "EN/ACADEMIE DE CRETEIL/DSI"
	for _, p := range []struct {
		login, last, first, academy, entity, location, role string
		account                                             bool
	}{
		{"agent", "MARTIN", "Claire", "creteil", Entity, rectorat, store.RoleRequester, true},
		{"collegue", "BERNARD", "Julien", "creteil", Entity, rectorat, store.RoleRequester, true},
		{"etranger", "PETIT", "Sophie", "creteil", OtherEntity, "94/CRETEIL/DSDEN 94", store.RoleRequester, true},
		{"eleve", "DURAND", "Paul", "creteil", School, "94/CHAMPIGNY-SUR-MARNE/LYCEE LOUISE MICHEL", "", false},
		{"tech", "ROBERT", "Marc", "creteil", dsi, rectorat, store.RoleTechnician, true},
		{"superviseur", "RICHARD", "Anne", "creteil", dsi, rectorat, store.RoleSupervisor, true},
		{"rouen", "LEROY", "Hugo", "rouen", Entity, "76/ROUEN/RECTORAT", store.RoleRequester, true},
	} {
		person := &store.Person{AcademyCode: p.academy, Login: p.login, LastName: p.last, FirstName: p.first,
			Email: p.login + "@ac-" + p.academy + ".fr", Phone: "01 57 02 60 00", Location: p.location,
			Entity: p.entity, Service: "DSI", Office: "214"}
		w.add(t, person, p.role, p.account)
		if p.role == store.RoleTechnician {
			if err := db.AddGroupMemberUnaudited(ctx, g.ID, person.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, a := range []*store.Asset{
		{PersonID: w.People["agent"].ID, Kind: "Écran", Brand: "Dell", Model: "P2419H", Serial: "CN-0ABC-123", Maintenance: "Garantie 2027", Placement: "Bureau 214"},
		{PersonID: w.People["eleve"].ID, Kind: "Vidéoprojecteur", Brand: "Epson", Model: "EB-X41", Serial: "X41-778", Maintenance: "Contrat région", Placement: "Salle B12"},
	} {
		if err := db.AddAsset(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, tree := range []struct {
		root   string
		leaves []string
	}{
		{"Matériel", []string{"Écran", "Imprimante"}},
		{"Applications académiques", []string{"Messagerie"}},
	} {
		root := &store.Category{AcademyCode: "creteil", Name: tree.root}
		if err := db.CreateCategoryUnaudited(ctx, root); err != nil {
			t.Fatal(err)
		}
		for _, name := range tree.leaves {
			leaf := &store.Category{AcademyCode: "creteil", ParentID: &root.ID, Name: name}
			if err := db.CreateCategoryUnaudited(ctx, leaf); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetCategory(ctx, leaf.ID)
			if err != nil {
				t.Fatal(err)
			}
			w.Leaves[name] = *got
		}
	}
	return w
}

// Load reads back the people and leaves that Seed wrote into db (after a
// restore, or in another process); Group is left zero.
func Load(t testing.TB, db *store.DB) *World {
	t.Helper()
	ctx := context.Background()
	w := &World{People: map[string]*store.Person{}, Leaves: map[string]store.Category{}, db: db}
	for _, login := range Logins {
		p, err := db.GetPersonByLogin(ctx, login)
		if err != nil {
			t.Fatalf("stacktest: load %s: %v", login, err)
		}
		w.People[login] = p
	}
	leaves, err := db.Leaves(ctx, "creteil")
	if err != nil || len(leaves) == 0 {
		t.Fatalf("stacktest: leaves: %v", err)
	}
	for _, l := range leaves {
		w.Leaves[l.Name] = l
	}
	return w
}

// AddPerson adds p (its académie, login and names set) with an account
// (Password) and role in its académie, and returns it.
func (w *World) AddPerson(t testing.TB, p *store.Person, role string) *store.Person {
	t.Helper()
	w.add(t, p, role, true)
	return p
}

// AddTechnician adds p as AddPerson does, a technician who is a member of
// Créteil's intake group.
func (w *World) AddTechnician(t testing.TB, p *store.Person) *store.Person {
	t.Helper()
	w.add(t, p, store.RoleTechnician, true)
	if err := w.db.AddGroupMemberUnaudited(context.Background(), w.Group, p.ID); err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *World) add(t testing.TB, person *store.Person, role string, account bool) {
	t.Helper()
	ctx := context.Background()
	if err := w.db.CreatePerson(ctx, person); err != nil {
		t.Fatal(err)
	}
	if account {
		if err := w.db.SetPassword(ctx, person.ID, Password); err != nil {
			t.Fatal(err)
		}
	}
	if role != "" {
		if err := w.db.GrantRoleUnaudited(ctx, person.ID, person.AcademyCode, role); err != nil {
			t.Fatal(err)
		}
	}
	w.People[person.Login] = person
}

// Actor is login acting with their role: technicians (a login starting
// with "tech") and superviseur as such, anyone else as a requester.
func (w *World) Actor(login string) workflows.Actor {
	role := workflows.RoleRequester
	switch {
	case login == "superviseur":
		role = workflows.RoleSupervisor
	case len(login) >= 4 && login[:4] == "tech":
		role = workflows.RoleTechnician
	}
	return workflows.Actor{PersonID: w.People[login].ID, Roles: []string{role}, Name: login}
}
