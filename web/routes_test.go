package web

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/config"
	"guichet/store/storetest"
)

// updateRoutes rewrites testdata/routes.txt from the app's routes:
// go test ./web/ -run TestRoutes -update-routes
var updateRoutes = flag.Bool("update-routes", false, "rewrite testdata/routes.txt from the registered routes")

const routesGolden = "testdata/routes.txt"

// TestRoutesMatchTheCheckedInList compares the app's routes, in the order
// Fiber matches them, with testdata/routes.txt: a route lost, added, moved
// past another that shadows it, given another permission, or a middleware
// moved, shows as a diff. After a deliberate change, rerun with
// -update-routes and review the diff of the list.
func TestRoutesMatchTheCheckedInList(t *testing.T) {
	var cfg config.Config
	cfg.Web.SessionIdle = 30 * time.Minute
	cfg.Web.SessionMax = 12 * time.Hour
	cfg.Tickets.MaxTicketBytes = 25 << 20
	s, err := New(Deps{Config: cfg, DB: storetest.SQLite(t)})
	if err != nil {
		t.Fatal(err)
	}
	got := routeList(s)
	if *updateRoutes {
		if err := os.WriteFile(routesGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(routesGolden)
	if err != nil {
		t.Fatal(err)
	}
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s differs from the registered routes from line %d:\n got: %q\nwant: %q\n(rerun with -update-routes after a deliberate change)", routesGolden, i+1, g, w)
		}
	}
}

// routeList renders the GET and POST routes of s in matching order, one a
// line: "GET /path [perm…]", and each middleware where it runs as
// "USE /prefix handler…". HEAD mirrors GET (Fiber registers both) and is
// checked to do so rather than listed.
func routeList(s *Server) string {
	type key struct {
		method string
		first  *fiber.Handler
	}
	// A route's handler slice is its own; a middleware's is shared by the
	// copies Fiber makes for every method.
	isRoute := map[key]bool{}
	for _, r := range s.app.GetRoutes(true) {
		if len(r.Handlers) > 0 {
			isRoute[key{r.Method, &r.Handlers[0]}] = true
		}
	}
	lines := map[string][]string{}
	for _, r := range s.app.GetRoutes(false) {
		if len(r.Handlers) == 0 {
			continue
		}
		if isRoute[key{r.Method, &r.Handlers[0]}] {
			declared, _ := s.pages.DeclaredPermissions(r.Method + " " + r.Path)
			perms := make([]string, len(declared))
			for i, p := range declared {
				perms[i] = string(p)
			}
			lines[r.Method] = append(lines[r.Method], fmt.Sprintf("%s %s [%s]", r.Method, r.Path, strings.Join(perms, " ")))
			continue
		}
		names := make([]string, len(r.Handlers))
		for i, h := range r.Handlers {
			names[i] = handlerName(h)
		}
		lines[r.Method] = append(lines[r.Method], fmt.Sprintf("USE %s %s", r.Path, strings.Join(names, " ")))
	}
	var b strings.Builder
	b.WriteString("# The app's routes in the order Fiber matches them (TestRoutesMatchTheCheckedInList).\n")
	for _, m := range []string{fiber.MethodGet, fiber.MethodPost} {
		b.WriteString("\n# " + m + "\n")
		for _, l := range lines[m] {
			b.WriteString(l + "\n")
		}
	}
	head := strings.Join(lines[fiber.MethodHead], "\n")
	get := strings.ReplaceAll(strings.Join(lines[fiber.MethodGet], "\n"), "GET /", "HEAD /")
	if head != get {
		b.WriteString("\n# HEAD routes differ from the GET ones:\n" + strings.Join(lines[fiber.MethodHead], "\n") + "\n")
	}
	return b.String()
}

// handlerName is the Go name of a handler ("guichet/web.(*Server).observe-fm"
// becomes "observe").
func handlerName(h fiber.Handler) string {
	n := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	n = strings.TrimSuffix(n[strings.LastIndex(n, ".")+1:], "-fm")
	if strings.HasPrefix(n, "func") { // a closure: name its maker
		full := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
		parts := strings.Split(full, ".")
		if len(parts) >= 2 {
			n = parts[len(parts)-2]
		}
	}
	return n
}
