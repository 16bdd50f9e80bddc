package workflows

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// module is the import path of Guichet's module.
const module = "guichet"

// forbiddenEdges are the dependencies the layering forbids (CONVENTIONS
// §20), from a package (or its sub-packages) to another, directly or
// through any chain of the module's packages. Test files are not counted:
// a test may assemble a whole stack.
var forbiddenEdges = []struct{ from, to, why string }{
	{"guichet/workflows", "guichet/store", "workflow code never reads the database"},
	{"guichet/workflows", "guichet/web", "the contract does not know its callers"},
	{"guichet/workflows", "guichet/activities", "workflows call activities by name (Habit 1)"},
	{"guichet/workflows", "guichet/identity", "workflows call activities by name (Habit 1)"},
	{"guichet/workflows", "guichet/mail", "workflows call activities by name (Habit 1)"},
	{"guichet/workflows", "guichet/intake", "the contract does not know its callers"},
	{"guichet/web", "guichet/activities", "web/ talks to workflows through the contract (Habit 1)"},
	{"guichet/web/kit", "guichet/web/tickets", "the web app's shared kit knows no ticket"},
	{"guichet/web/kit", "guichet/workflows", "the web app's shared kit knows no workflow"},
	{"guichet/web/kit", "guichet/web/api", "the web app's shared kit knows no surface"},
	{"guichet/web/tickets", "guichet/web/api", "the ticket logic knows no surface"},
	{"guichet/web/kit", "guichet/web/pages", "the web app's shared kit knows no surface"},
	{"guichet/web/tickets", "guichet/web/pages", "the ticket logic knows no surface"},
	{"guichet/web/pages", "guichet/web/api", "the pages and the API are two surfaces: what both need is in tickets or kit"},
	{"guichet/web/api", "guichet/web/pages", "the pages and the API are two surfaces: the API reaches the server through api.Host"},
	{"guichet/store", "guichet/web", "the store knows no surface"},
	{"guichet/store", "guichet/workflows", "the store knows no workflow"},
}

// workflowImports are the only packages outside the standard library that
// workflow code may import: the Temporal SDK and API, and the French public
// holiday calendar (pure computation on dates, deterministic; the pick-up
// deadlines of open tickets depend on it, so it is kept rather than
// rewritten).
var workflowImports = []string{"go.temporal.io/sdk", "go.temporal.io/api", "github.com/rickar/cal/v2", "guichet/workflows"}

// modulePackages lists the module's packages with their non-test imports,
// read with `go list` from the module root.
func modulePackages(t *testing.T) map[string][]string {
	t.Helper()
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list ./... in %s: %v\n%s", root, err, stderr.String())
	}
	pkgs := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) > 0 {
			pkgs[fields[0]] = fields[1:]
		}
	}
	return pkgs
}

// within reports whether pkg is prefix or one of its sub-packages.
func within(pkg, prefix string) bool {
	return pkg == prefix || strings.HasPrefix(pkg, prefix+"/")
}

// importPath returns the shortest chain of imports from `from` to a
// package within `to` through the module's packages (nil when none).
func importPath(pkgs map[string][]string, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if within(p, to) {
			var chain []string
			for ; p != ""; p = prev[p] {
				chain = append(chain, p)
			}
			slices.Reverse(chain)
			return chain
		}
		imports := slices.Clone(pkgs[p])
		slices.Sort(imports)
		for _, imp := range imports {
			if _, seen := prev[imp]; seen || !within(imp, module) {
				continue
			}
			prev[imp] = p
			queue = append(queue, imp)
		}
	}
	return nil
}

func TestTheImportGraphHasNoForbiddenEdge(t *testing.T) {
	pkgs := modulePackages(t)
	if _, ok := pkgs["guichet/workflows"]; !ok {
		t.Fatalf("go list did not list guichet/workflows (got %d packages)", len(pkgs))
	}
	names := make([]string, 0, len(pkgs))
	for p := range pkgs {
		names = append(names, p)
	}
	slices.Sort(names)

	for _, e := range forbiddenEdges {
		t.Run(e.from+" does not depend on "+e.to, func(t *testing.T) {
			for _, p := range names {
				if !within(p, e.from) {
					continue
				}
				if chain := importPath(pkgs, p, e.to); chain != nil {
					t.Errorf("forbidden edge %s → %s (%s): %s", e.from, e.to, e.why, strings.Join(chain, " → "))
				}
			}
		})
	}

	t.Run("workflows imports only the standard library, the Temporal SDK and API and the holiday calendar", func(t *testing.T) {
		for _, p := range names {
			if !within(p, "guichet/workflows") {
				continue
			}
			for _, imp := range pkgs[p] {
				std := !strings.Contains(strings.Split(imp, "/")[0], ".") && !within(imp, module)
				if std || slices.ContainsFunc(workflowImports, func(allowed string) bool { return within(imp, allowed) }) {
					continue
				}
				t.Errorf("forbidden edge %s → %s: workflow code imports only the standard library and %v", p, imp, workflowImports)
			}
		}
	})
}
