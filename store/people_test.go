package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

func TestNameKey(t *testing.T) {
	tests := []struct {
		name, last, first, want string
	}{
		{"accents and case are folded", "Lefèvre", "Jean-Noël", "lefevre jean noel"},
		{"ligatures are expanded", "Cœurdacier", "Lætitia", "coeurdacier laetitia"},
		{"apostrophes and spaces become single spaces", "d'Ornano  ", " Anne-Cécile", "d ornano anne cecile"},
		{"capitals with accents are folded", "ÉMERY", "Élodie", "emery elodie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := store.NameKey(tt.last, tt.first); got != tt.want {
				t.Fatalf("NameKey(%q, %q) = %q, want %q", tt.last, tt.first, got, tt.want)
			}
		})
	}
}

// directoryPerson returns a person of académie creteil with the given names.
func directoryPerson(login, last, first string) *store.Person {
	return &store.Person{AcademyCode: "creteil", Login: login, LastName: last, FirstName: first,
		Email: login + "@ac-creteil.fr", Entity: "EN/ACADEMIE DE CRETEIL/RECTORAT DE CRETEIL"}
}

func TestPeople(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()

		t.Run("a created person can be read back by ID and by login in any case", func(t *testing.T) {
			p := directoryPerson("JDupont", "Dupont", "Jean")
			if err := db.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
			if p.ID == 0 || p.Login != "jdupont" {
				t.Fatalf("after create: ID %d login %q", p.ID, p.Login)
			}
			byID, err := db.GetPerson(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			byLogin, err := db.GetPersonByLogin(ctx, " JDUPONT ")
			if err != nil {
				t.Fatal(err)
			}
			if byID.LastName != "Dupont" || byLogin.ID != p.ID {
				t.Fatalf("got %+v and %+v", byID, byLogin)
			}
		})

		t.Run("an unknown person is not found", func(t *testing.T) {
			if _, err := db.GetPerson(ctx, 987654); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("GetPerson = %v, want ErrNotFound", err)
			}
			if _, err := db.GetPersonByLogin(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("GetPersonByLogin = %v, want ErrNotFound", err)
			}
		})

		t.Run("a duplicate login is refused", func(t *testing.T) {
			if err := db.CreatePerson(ctx, directoryPerson("jdupont", "Autre", "Jean")); err == nil {
				t.Fatal("second person with login jdupont was accepted")
			}
		})

		t.Run("upserting by login updates directory fields and keeps the password", func(t *testing.T) {
			p := directoryPerson("mlefevre", "Lefevre", "Marie")
			if err := db.UpsertPersonByLogin(ctx, p); err != nil {
				t.Fatal(err)
			}
			if err := db.SetPassword(ctx, p.ID, "secret-1"); err != nil {
				t.Fatal(err)
			}
			again := directoryPerson("mlefevre", "Lefèvre", "Marie")
			again.Phone = "01 57 02 60 00"
			if err := db.UpsertPersonByLogin(ctx, again); err != nil {
				t.Fatal(err)
			}
			if again.ID != p.ID || again.LastName != "Lefèvre" || again.Phone != "01 57 02 60 00" || again.PasswordHash == "" {
				t.Fatalf("after upsert: %+v (first ID %d)", again, p.ID)
			}
			found, err := db.SearchPeople(ctx, "creteil", "lefev", 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(found) != 1 || found[0].LastName != "Lefèvre" {
				t.Fatalf("search after upsert found %+v", found)
			}
		})

		t.Run("a bulk insert keeps every field of every row and sets each ID", func(t *testing.T) {
			plain := directoryPerson("bulk1", "Simon", "Léa")
			full := directoryPerson("bulk2", "Garnier", "Hugo")
			full.Phone, full.Office, full.Disabled, full.GlobalAdmin = "01 57 02 61 23", "Bureau 214", true, true
			if err := store.InsertPeople(ctx, db.DB, []*store.Person{plain, full}); err != nil {
				t.Fatal(err)
			}
			for _, want := range []*store.Person{plain, full} {
				got, err := db.GetPersonByLogin(ctx, want.Login)
				if err != nil {
					t.Fatal(err)
				}
				if got.ID != want.ID || got.Phone != want.Phone || got.Office != want.Office ||
					got.Disabled != want.Disabled || got.GlobalAdmin != want.GlobalAdmin {
					t.Fatalf("stored %+v, inserted %+v", got, want)
				}
			}
		})

		t.Run("setting the password of an unknown person is not found", func(t *testing.T) {
			if err := db.SetPassword(ctx, 987654, "x"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("SetPassword = %v, want ErrNotFound", err)
			}
		})
	})
}

func TestAuthenticate(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ok := directoryPerson("agent", "Martin", "Claire")
		disabled := directoryPerson("parti", "Bernard", "Luc")
		disabled.Disabled = true
		nopass := directoryPerson("ldaponly", "Petit", "Paul")
		for _, p := range []*store.Person{ok, disabled, nopass} {
			if err := db.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range []*store.Person{ok, disabled} {
			if err := db.SetPassword(ctx, p.ID, "guichet"); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name, login, password string
			want                  error
		}{
			{"the right password signs in", "agent", "guichet", nil},
			{"the login is matched ignoring case", "AGENT", "guichet", nil},
			{"a wrong password is refused", "agent", "Guichet", store.ErrInvalidCredentials},
			{"an unknown login is refused the same way", "inconnu", "guichet", store.ErrInvalidCredentials},
			{"a person without a local password is refused the same way", "ldaponly", "", store.ErrInvalidCredentials},
			{"a disabled account with the right password is refused as disabled", "parti", "guichet", store.ErrAccountDisabled},
			{"a disabled account with a wrong password is only invalid", "parti", "nope", store.ErrInvalidCredentials},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := db.Authenticate(ctx, tt.login, tt.password)
				if tt.want == nil {
					if err != nil || p == nil || p.ID != ok.ID {
						t.Fatalf("Authenticate = %+v, %v", p, err)
					}
					return
				}
				if !errors.Is(err, tt.want) || p != nil {
					t.Fatalf("Authenticate = %+v, %v; want %v", p, err, tt.want)
				}
				if other := store.ErrInvalidCredentials; tt.want == store.ErrAccountDisabled && errors.Is(err, other) {
					t.Fatalf("disabled error also matches %v", other)
				}
			})
		}
	})
}

func TestRoles(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := directoryPerson("tech", "Roux", "Nadia")
		if err := db.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		for _, g := range []struct{ academy, role string }{
			{"creteil", store.RoleTechnician}, {"creteil", store.RoleRequester},
			{"rouen", store.RoleSupervisor}, {"creteil", store.RoleTechnician},
		} {
			if err := db.GrantRoleUnaudited(ctx, p.ID, g.academy, g.role); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("grants are listed once each, ordered by académie then role", func(t *testing.T) {
			got, err := db.Roles(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, g := range got {
				s = append(s, g.AcademyCode+":"+g.Role)
			}
			want := []string{"creteil:requester", "creteil:technician", "rouen:supervisor"}
			if !slices.Equal(s, want) {
				t.Fatalf("roles = %v, want %v", s, want)
			}
			if !store.HasRole(got, "rouen", store.RoleSupervisor) || store.HasRole(got, "rouen", store.RoleTechnician) {
				t.Fatal("HasRole disagrees with the grants")
			}
		})

		t.Run("a revoked role is gone and revoking again is harmless", func(t *testing.T) {
			for range 2 {
				if err := db.RevokeRole(ctx, store.Editor{PersonID: p.ID, Academy: "creteil"}, p.ID, store.RoleTechnician); err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.Roles(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if store.HasRole(got, "creteil", store.RoleTechnician) || len(got) != 2 {
				t.Fatalf("roles after revoke = %+v", got)
			}
		})

		t.Run("an unknown role is refused", func(t *testing.T) {
			if err := db.GrantRoleUnaudited(ctx, p.ID, "creteil", "king"); err == nil {
				t.Fatal("role king was granted")
			}
		})
	})
}

func TestSearchPeople(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		people := []*store.Person{
			directoryPerson("jnlefevre", "Lefèvre", "Jean-Noël"),
			directoryPerson("elefebvre", "LEFEBVRE", "Émilie"),
			directoryPerson("ajean", "Jean", "Anne"),
			directoryPerson("cdornano", "d'Ornano", "Cécile"),
			directoryPerson("parti", "Lefort", "Luc"),
			{AcademyCode: "rouen", Login: "rlefevre", LastName: "Lefevre", FirstName: "Robert"},
		}
		people[4].Disabled = true
		if err := store.InsertPeople(ctx, db.DB, people); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, academy, query string
			want                 []string
		}{
			{"a last-name prefix matches ignoring accents and case", "creteil", "LEFE", []string{"elefebvre", "jnlefevre"}},
			{"an accented query matches unaccented names", "creteil", "léfè", []string{"elefebvre", "jnlefevre"}},
			{"a first-name prefix matches", "creteil", "emi", []string{"elefebvre"}},
			{"a part of a compound first name matches", "creteil", "noel", []string{"jnlefevre"}},
			{"several words must all match", "creteil", "jean lef", []string{"jnlefevre"}},
			{"a word matches last or first name", "creteil", "jean", []string{"ajean", "jnlefevre"}},
			{"a name after an apostrophe matches", "creteil", "ornano", []string{"cdornano"}},
			{"other académies are not searched", "creteil", "robert", nil},
			{"an empty académie searches them all", "", "lefev", []string{"jnlefevre", "rlefevre"}},
			{"a middle of a name does not match", "creteil", "fevre", nil},
			{"disabled people are not found", "creteil", "lefort", nil},
			{"an empty query finds nobody", "creteil", "  ", nil},
			{"LIKE wildcards in the query are not wildcards", "creteil", "%", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.SearchPeople(ctx, tt.academy, tt.query, 10)
				if err != nil {
					t.Fatal(err)
				}
				logins := collect(got, func(p store.Person) string { return p.Login })
				if !slices.Equal(logins, tt.want) {
					t.Fatalf("SearchPeople(%q, %q) = %v, want %v", tt.academy, tt.query, logins, tt.want)
				}
			})
		}
		t.Run("the limit caps the results", func(t *testing.T) {
			got, err := db.SearchPeople(ctx, "", "l", 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 {
				t.Fatalf("got %d people, want 2", len(got))
			}
		})
	})
}

func TestAssets(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := directoryPerson("jdupont", "Dupont", "Jean")
		if err := db.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		t.Run("assets are listed in the order they were added", func(t *testing.T) {
			for _, a := range []*store.Asset{
				{PersonID: p.ID, Kind: "Écran", Brand: "Dell", Model: "P2422H", Serial: "CN0ABC"},
				{PersonID: p.ID, Kind: "Poste de travail", Brand: "HP", Model: "EliteDesk 800 G6"},
			} {
				if err := db.AddAsset(ctx, a); err != nil {
					t.Fatal(err)
				}
				if a.ID == 0 {
					t.Fatal("asset ID not set")
				}
			}
			got, err := db.AssetsOf(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			kinds := collect(got, func(a store.Asset) string { return a.Kind })
			if strings.Join(kinds, ",") != "Écran,Poste de travail" {
				t.Fatalf("assets = %v", kinds)
			}
		})
		t.Run("an asset needs a person and a kind", func(t *testing.T) {
			if err := db.AddAsset(ctx, &store.Asset{PersonID: p.ID}); err == nil {
				t.Fatal("asset without kind accepted")
			}
		})
	})
}
