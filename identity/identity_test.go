package identity_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"guichet/config"
	"guichet/identity"
	"guichet/store"
	"guichet/store/storetest"
)

// testConfig is the default configuration with one académie, "test",
// whose directory is srv (LDAPS, or StartTLS on ldap://).
func testConfig(srv *ldapServer) config.Config {
	cfg := config.Defaults()
	l := config.DefaultLDAP()
	l.URL = srv.URL
	l.StartTLS = strings.HasPrefix(srv.URL, "ldap://")
	l.BindDN, l.BindPassword = testServiceDN, testServicePW
	l.BaseDN = testBaseDN
	l.Timeout = 5 * time.Second
	l.Attributes.Disabled = "nsAccountLock"
	l.Attributes.DisabledValues = []string{"true"}
	l.RoleRules = []config.LDAPRoleRule{
		{Group: "cn=support-n1," + testGroupsDN, Role: store.RoleTechnician},
		{Group: "DSI", Role: store.RoleSupervisor},
	}
	cfg.Academies = append(cfg.Academies, config.Academy{Code: "test", Name: "Test", LDAP: &l})
	return cfg
}

// newService returns a service on a fresh SQLite database with the
// académies of cfg, trusting srv's certificate.
func newService(t *testing.T, cfg config.Config, srv *ldapServer, opts ...identity.Option) (*identity.Service, *store.DB) {
	t.Helper()
	db := storetest.SQLite(t)
	return newServiceOn(t, db, cfg, srv, opts...), db
}

func newServiceOn(t *testing.T, db *store.DB, cfg config.Config, srv *ldapServer, opts ...identity.Option) *identity.Service {
	t.Helper()
	ctx := context.Background()
	for _, a := range cfg.Academies {
		if err := db.UpsertAcademy(ctx, &store.Academy{Code: a.Code, Name: a.Name}); err != nil {
			t.Fatal(err)
		}
	}
	if srv != nil {
		opts = append([]identity.Option{identity.WithTLSConfig("test", srv.ClientTLS)}, opts...)
	}
	return identity.New(cfg, db, nil, opts...)
}

// claire is a directory user with every mapped attribute and two groups.
func claire() ldapUser {
	return ldapUser{uid: "cmartin", password: "secret-claire", attrs: map[string][]string{
		"sn": {"Martin"}, "givenName": {"Claire"}, "mail": {"claire.martin@ac-test.fr"},
		"telephoneNumber": {"01 23 45 67 89"}, "l": {"Rectorat"}, "o": {"DSI"}, "ou": {"Pôle support"},
		"roomNumber": {"B204"},
		"memberOf":   {"cn=support-n1," + testGroupsDN, "CN=DSI,ou=groups,dc=ac-test,dc=fr", "cn=autres," + testGroupsDN},
	}}
}

func bruno() ldapUser {
	return ldapUser{uid: "bdurand", password: "secret-bruno", attrs: map[string][]string{
		"sn": {"Durand"}, "givenName": {"Bruno"}, "mail": {"bruno.durand@ac-test.fr"},
	}}
}

func locked() ldapUser {
	return ldapUser{uid: "parti", password: "secret-parti", attrs: map[string][]string{
		"sn": {"Parti"}, "givenName": {"Paul"}, "nsAccountLock": {"TRUE"},
	}}
}

func TestSignInWithLDAP(t *testing.T) {
	for _, mode := range []struct {
		name string
		tls  tlsMode
	}{{"over LDAPS", ldaps}, {"over StartTLS", plainLDAP}} {
		t.Run(mode.name, func(t *testing.T) {
			srv := startLDAP(t, mode.tls, claire(), bruno(), locked())
			svc, db := newService(t, testConfig(srv), srv)
			ctx := context.Background()
			tests := []struct {
				name, login, password string
				wantErr               error
			}{
				{"the right password signs in", "CMartin", "secret-claire", nil},
				{"a wrong password is refused", "cmartin", "wrong", identity.ErrInvalidCredentials},
				{"an empty password is refused without an anonymous bind", "bdurand", "", identity.ErrInvalidCredentials},
				{"an unknown login is refused like a wrong password", "inconnu", "secret-claire", identity.ErrInvalidCredentials},
				{"a login with filter characters finds nobody", "*", "secret-claire", identity.ErrInvalidCredentials},
				{"an account disabled in the directory is refused as disabled", "parti", "secret-parti", identity.ErrAccountDisabled},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					p, err := svc.SignIn(ctx, tt.login, tt.password, "")
					if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
						t.Fatalf("SignIn(%q) error = %v, want %v", tt.login, err, tt.wantErr)
					}
					if tt.wantErr == nil && p.Login != "cmartin" {
						t.Fatalf("SignIn person login = %q", p.Login)
					}
				})
			}
			t.Run("the person's attributes and group roles are mapped", func(t *testing.T) {
				p, err := db.GetPersonByLogin(ctx, "cmartin")
				if err != nil {
					t.Fatal(err)
				}
				want := store.Person{AcademyCode: "test", Login: "cmartin", LastName: "Martin", FirstName: "Claire",
					Email: "claire.martin@ac-test.fr", Phone: "01 23 45 67 89", Location: "Rectorat", Entity: "DSI",
					Service: "Pôle support", Office: "B204"}
				got := store.Person{AcademyCode: p.AcademyCode, Login: p.Login, LastName: p.LastName, FirstName: p.FirstName,
					Email: p.Email, Phone: p.Phone, Location: p.Location, Entity: p.Entity, Service: p.Service, Office: p.Office}
				if got != want {
					t.Errorf("person = %+v\nwant %+v", got, want)
				}
				grants, err := db.Roles(ctx, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				var roles []string
				for _, g := range grants {
					roles = append(roles, g.AcademyCode+"/"+g.Role)
				}
				if got, want := strings.Join(roles, ","), "test/requester,test/supervisor,test/technician"; got != want {
					t.Errorf("roles = %s, want %s", got, want)
				}
			})
			t.Run("the disabled account is disabled in the database too", func(t *testing.T) {
				p, err := db.GetPersonByLogin(ctx, "parti")
				if err != nil {
					t.Fatal(err)
				}
				if !p.Disabled {
					t.Error("person not disabled")
				}
			})
		})
	}
}

func TestDirectoryRolesFollowGroups(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	first := startLDAP(t, ldaps, claire())
	if _, err := newServiceOn(t, db, testConfig(first), first).SignIn(ctx, "cmartin", "secret-claire", ""); err != nil {
		t.Fatal(err)
	}
	p, err := db.GetPersonByLogin(ctx, "cmartin")
	if err != nil {
		t.Fatal(err)
	}
	// A supervisor also made her an administrator in Guichet: no rule
	// governs that role, so the directory leaves it alone.
	if err := db.GrantRoleUnaudited(ctx, p.ID, "test", store.RoleAdministrator); err != nil {
		t.Fatal(err)
	}
	// She leaves the DSI group.
	moved := claire()
	moved.attrs["memberOf"] = []string{"cn=support-n1," + testGroupsDN}
	second := startLDAP(t, ldaps, moved)
	if _, err := newServiceOn(t, db, testConfig(second), second).SignIn(ctx, "cmartin", "secret-claire", ""); err != nil {
		t.Fatal(err)
	}
	grants, err := db.Roles(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, g := range grants {
		roles = append(roles, g.Role)
	}
	slices.Sort(roles)
	if got, want := strings.Join(roles, ","), "administrator,requester,technician"; got != want {
		t.Errorf("after leaving the DSI group, roles = %s, want %s", got, want)
	}
}

func TestSignInPrefersLocalAccounts(t *testing.T) {
	srv := startLDAP(t, ldaps, claire())
	svc, db := newService(t, testConfig(srv), srv)
	ctx := context.Background()
	local := &store.Person{AcademyCode: "test", Login: "cmartin", LastName: "Martin", FirstName: "Claire"}
	if err := db.CreatePerson(ctx, local); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPassword(ctx, local.ID, "local-password"); err != nil {
		t.Fatal(err)
	}
	t.Run("a person with a local password signs in with it", func(t *testing.T) {
		if _, err := svc.SignIn(ctx, "cmartin", "local-password", ""); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("and not with the directory's password", func(t *testing.T) {
		if _, err := svc.SignIn(ctx, "cmartin", "secret-claire", ""); !errors.Is(err, identity.ErrInvalidCredentials) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestSignInWhenTheDirectoryIsDown(t *testing.T) {
	ctx := context.Background()
	closedPort := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}
	silent := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				t.Cleanup(func() { c.Close() })
			}
		}()
		return l.Addr().String()
	}
	tests := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"a closed port gives directory unavailable", func(t *testing.T) string { return "ldap://" + closedPort(t) }},
		{"a server that never answers gives directory unavailable after the timeout", func(t *testing.T) string { return "ldap://" + silent(t) }},
		{"a certificate not trusted gives directory unavailable", func(t *testing.T) string { return startLDAP(t, ldaps, claire()).URL }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(&ldapServer{URL: tt.url(t)})
			cfg.Academies[len(cfg.Academies)-1].LDAP.StartTLS = false
			cfg.Academies[len(cfg.Academies)-1].LDAP.Timeout = 300 * time.Millisecond
			svc, _ := newService(t, cfg, nil)
			_, err := svc.SignIn(ctx, "cmartin", "secret-claire", "")
			if !errors.Is(err, identity.ErrDirectoryUnavailable) {
				t.Fatalf("err = %v, want ErrDirectoryUnavailable", err)
			}
		})
	}
}

func TestTOTP(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 5, 0, time.UTC)
	clock := &now
	cfg := config.Defaults()
	cfg.Auth.TOTPKey = "a test key of some length"
	cfg.Auth.TOTPRequiredRoles = []string{store.RoleTechnician}
	svc, db := newService(t, cfg, nil, identity.WithClock(func() time.Time { return *clock }))
	ctx := context.Background()
	p := &store.Person{AcademyCode: "creteil", Login: "tech", LastName: "Tech", FirstName: "Nicien"}
	if err := db.CreatePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	code := func(secret string, at time.Time) string {
		c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	f, err := svc.SecondFactorOf(ctx, p)
	if err != nil || f.Needed() {
		t.Fatalf("before enrolment and role: %+v, %v", f, err)
	}
	if err := db.GrantRoleUnaudited(ctx, p.ID, "creteil", store.RoleTechnician); err != nil {
		t.Fatal(err)
	}
	if f, _ := svc.SecondFactorOf(ctx, p); !f.Required || f.Enrolled {
		t.Fatalf("a technician must enrol: %+v", f)
	}

	secret, err := svc.BeginEnrolment(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the secret is encrypted at rest", func(t *testing.T) {
		row, err := db.GetTOTP(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(row.Secret, "v1:") || strings.Contains(row.Secret, secret) {
			t.Errorf("stored secret %q", row.Secret)
		}
	})
	t.Run("the QR code is a PNG image", func(t *testing.T) {
		b, err := svc.EnrolmentQR(ctx, p, 240)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds().Dx() != 240 {
			t.Errorf("width %d", img.Bounds().Dx())
		}
	})
	t.Run("a wrong code does not confirm the enrolment", func(t *testing.T) {
		bad := code(secret, now.Add(-5*time.Minute))
		if err := svc.VerifyTOTP(ctx, p.ID, bad); !errors.Is(err, identity.ErrInvalidCode) {
			t.Fatalf("err = %v", err)
		}
		if f, _ := svc.SecondFactorOf(ctx, p); f.Enrolled {
			t.Fatal("enrolled after a wrong code")
		}
	})
	t.Run("a code from a phone 30 seconds late confirms the enrolment", func(t *testing.T) {
		if err := svc.VerifyTOTP(ctx, p.ID, code(secret, now.Add(-30*time.Second))); err != nil {
			t.Fatal(err)
		}
		if f, _ := svc.SecondFactorOf(ctx, p); !f.Enrolled {
			t.Fatal("not enrolled")
		}
	})
	t.Run("the QR code is not shown again once confirmed", func(t *testing.T) {
		if _, err := svc.EnrolmentQR(ctx, p, 200); !errors.Is(err, identity.ErrNoPendingTOTP) {
			t.Fatalf("err = %v", err)
		}
	})
	tests := []struct {
		name  string
		codeT time.Duration // code's time relative to now
		ok    bool
	}{
		{"the current code is accepted", 0, true},
		{"the same code again is refused", 0, false},
		{"a code from a phone 30 seconds ahead is accepted", 30 * time.Second, true},
		{"a code from 60 seconds ahead is refused", 60 * time.Second, false},
		{"a code from 90 seconds late is refused", -90 * time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := svc.VerifyTOTP(ctx, p.ID, code(secret, now.Add(tt.codeT)))
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, identity.ErrInvalidCode)) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
	t.Run("a code works again two minutes later, with spaces", func(t *testing.T) {
		later := now.Add(2 * time.Minute)
		clock = &later
		c := code(secret, later)
		if err := svc.VerifyTOTP(ctx, p.ID, c[:3]+" "+c[3:]); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a technician cannot remove the second factor", func(t *testing.T) {
		if err := svc.RemoveTOTP(ctx, p); !errors.Is(err, identity.ErrTOTPRequired) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("without the key the secret cannot be read", func(t *testing.T) {
		other := identity.New(config.Defaults(), db, nil)
		if err := other.VerifyTOTP(ctx, p.ID, "123456"); err == nil || errors.Is(err, identity.ErrInvalidCode) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRateLimiting(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	clock := &now
	cfg := config.Defaults()
	svc, db := newService(t, cfg, nil, identity.WithClock(func() time.Time { return *clock }))
	ctx := context.Background()
	p := &store.Person{AcademyCode: "creteil", Login: "agent", LastName: "Agent", FirstName: "Anne"}
	if err := db.CreatePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPassword(ctx, p.ID, "guichet"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		at := now.Add(time.Duration(i) * time.Minute)
		clock = &at
		if _, err := svc.SignIn(ctx, "agent", "wrong", "192.0.2.1"); !errors.Is(err, identity.ErrInvalidCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	t.Run("after five failures even the right password is refused, with the wait", func(t *testing.T) {
		at := now.Add(5 * time.Minute)
		clock = &at
		_, err := svc.SignIn(ctx, "AGENT", "guichet", "198.51.100.7")
		var rl *identity.RateLimitedError
		if !errors.As(err, &rl) || !errors.Is(err, identity.ErrRateLimited) {
			t.Fatalf("err = %v", err)
		}
		if rl.Wait != 10*time.Minute {
			t.Errorf("wait = %s, want 10m (the first failure ages out at 15m)", rl.Wait)
		}
	})
	t.Run("when the first failure ages out the right password works", func(t *testing.T) {
		at := now.Add(15*time.Minute + time.Second)
		clock = &at
		if _, err := svc.SignIn(ctx, "agent", "guichet", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("one address failing with twenty logins is refused", func(t *testing.T) {
		at := now.Add(time.Hour)
		clock = &at
		for i := 0; i < 20; i++ {
			_, _ = svc.SignIn(ctx, "someone"+string(rune('a'+i)), "x", "203.0.113.9")
		}
		_, err := svc.SignIn(ctx, "agent", "guichet", "203.0.113.9")
		if !errors.Is(err, identity.ErrRateLimited) {
			t.Fatalf("err = %v", err)
		}
		if _, err := svc.SignIn(ctx, "agent", "guichet", "203.0.113.10"); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
}
