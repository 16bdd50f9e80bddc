package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
	"guichet/web/kit"
)

// principal is who sends a request in the route walk: a person with one
// role in one académie, a global administrator, or a signed-out visitor.
type principal struct {
	name   string
	person *store.Person // nil: signed out
	grants []store.RoleGrant
	token  string
	csrf   string
	// bearer is the principal's API token (write scope), for /api/ routes.
	bearer string
}

// routeParam matches a route parameter (":id<int>", ":number", "*").
var routeParam = regexp.MustCompile(`:[A-Za-z_]+(<[^>]*>)?\??|\*`)

// concretePath fills a route's parameters with plausible values.
func concretePath(path, academy string) string {
	return routeParam.ReplaceAllStringFunc(path, func(p string) string {
		switch {
		case p == "*":
			return "x"
		case strings.HasPrefix(p, ":academie"):
			return academy
		case strings.Contains(p, "<int"):
			return "1"
		case strings.HasPrefix(p, ":day"):
			return "2026-12-24"
		case strings.HasPrefix(p, ":lang"):
			return "fr"
		}
		return "I260101_0001"
	})
}

// TestEveryRouteFollowsThePermissionTable walks every registered route
// with every role of every académie, a global administrator and a
// signed-out visitor, and checks each outcome against kit.PermissionRoles:
// a visitor is sent to sign in, a person without the permission in the
// académie acted on gets 403, a person with it does not. A route that
// declares no permission fails the test.
func TestEveryRouteFollowsThePermissionTable(t *testing.T) {
	db := storetest.SQLite(t)
	e := newEnv(t, db, testConfig(), nil)
	ctx := context.Background()
	if err := db.UpsertAcademy(ctx, &store.Academy{Code: "rouen", Name: "Académie de Rouen"}); err != nil {
		t.Fatal(err)
	}
	academies := []string{"creteil", "rouen"}
	roles := []string{store.RoleRequester, store.RoleTechnician, store.RoleSupervisor, store.RoleAdministrator}
	// The visitor carries a pre-session CSRF token (as the sign-in form
	// sets it), so its POSTs reach the route's guard rather than the CSRF
	// check.
	visitorCSRF := strings.Repeat("A", 43)
	principals := []*principal{{name: "visiteur", csrf: visitorCSRF}}
	newPrincipal := func(login, academy string, global bool, role string) *principal {
		p := &store.Person{AcademyCode: academy, Login: login, LastName: "Martin", FirstName: "Claire", GlobalAdmin: global}
		if err := db.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		if role != "" {
			if err := db.GrantRoleUnaudited(ctx, p.ID, academy, role); err != nil {
				t.Fatal(err)
			}
		}
		grants, err := db.Roles(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		bearer, _, err := db.CreateToken(ctx, store.NewToken{PersonID: p.ID, Name: "route walk", Scope: store.ScopeWrite})
		if err != nil {
			t.Fatal(err)
		}
		return &principal{name: login, person: p, grants: grants, bearer: bearer}
	}
	for _, a := range academies {
		for _, r := range roles {
			principals = append(principals, newPrincipal(a+"."+r, a, false, r))
		}
	}
	principals = append(principals, newPrincipal("admin.global", "creteil", true, ""))
	// session gives the principal a fresh session before each request
	// (sign-out routes end sessions).
	session := func(p *principal) {
		tok, sess, err := db.CreateSession(ctx, p.person.ID, time.Hour, 2*time.Hour, "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		p.token, p.csrf = tok, sess.CSRFToken
	}

	routes := e.srv.RouteAccess()
	if len(routes) < 20 {
		t.Fatalf("only %d routes: is RouteAccess listing them?", len(routes))
	}
	for _, r := range routes {
		if r.Method == http.MethodHead {
			continue
		}
		t.Run(fmt.Sprintf("%s %s", r.Method, r.Path), func(t *testing.T) {
			if !r.Declared || len(r.Perms) == 0 {
				t.Fatalf("%s declares no permission: register it with s.get/s.post and one s.require(Perm…) in its handlers", r)
			}
			public := true
			for _, p := range r.Perms {
				public = public && p == kit.PermPublic
			}
			if public {
				return
			}
			for _, target := range academies {
				for _, p := range principals {
					path := concretePath(r.Path, target)
					sep := "?"
					if strings.Contains(path, "?") {
						sep = "&"
					}
					path += sep + "academie=" + target
					if p.person != nil {
						session(p)
					}
					var form url.Values
					if r.Method == http.MethodPost {
						form = url.Values{"_csrf": {p.csrf}}
					}
					token, bearer := p.token, ""
					if strings.HasPrefix(r.Path, "/api/") {
						// The API authenticates with bearer tokens only.
						token, bearer, form = "", p.bearer, nil
					}
					status, location := send(t, e, r.Method, path, form, token, bearer)
					signInRedirect := (status == http.StatusSeeOther || status == http.StatusFound) && strings.HasPrefix(location, "/connexion")
					if signInRedirect && p.person != nil && token != "" {
						// A sign-out route ends the session it was called
						// with: that redirect is its success.
						if _, _, err := db.TouchSession(ctx, token, time.Hour); errors.Is(err, store.ErrNotFound) {
							signInRedirect = false
						}
					}
					if p.person == nil {
						if !signInRedirect && status != http.StatusUnauthorized {
							t.Errorf("visitor: %s %s = %d %q, want a sign-in redirect or 401", r.Method, path, status, location)
						}
						continue
					}
					if signInRedirect || status == http.StatusUnauthorized {
						t.Errorf("%s: %s %s = %d %q: signed-in person sent to sign in", p.name, r.Method, path, status, location)
						continue
					}
					allowed := true
					for _, perm := range r.Perms {
						allowed = allowed && kit.Allows(p.person, p.grants, perm, target)
					}
					checked := true
					for _, perm := range r.Perms {
						// PermSignedIn routes check finer rights in the handler.
						checked = checked && perm != kit.PermSignedIn
					}
					switch {
					case !checked:
					case allowed && status == http.StatusForbidden:
						t.Errorf("%s in %s: %s %s = 403, want allowed by %v", p.name, target, r.Method, path, r.Perms)
					case !allowed && status != http.StatusForbidden:
						t.Errorf("%s in %s: %s %s = %d, want 403 (needs %v)", p.name, target, r.Method, path, status, r.Perms)
					}
				}
			}
		})
	}
}

// send makes one request with the session token (if any) and returns the
// status and Location.
func send(t *testing.T, e *env, method, target string, form url.Values, token, bearer string) (int, string) {
	t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "guichet_session", Value: token})
	} else if form != nil {
		req.AddCookie(&http.Cookie{Name: "guichet_csrf", Value: form.Get("_csrf")})
	}
	resp, err := e.srv.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}
