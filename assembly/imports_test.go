package assembly_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestTheBinaryLinksNoTestStack keeps the test helpers out of guichet: the
// shared test stack (assembly/stacktest) and the in-memory Temporal server
// it starts are for test binaries only.
func TestTheBinaryLinksNoTestStack(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "guichet").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "guichet/assembly/stacktest" || pkg == "guichet/store/storetest" || pkg == "go.temporal.io/server/temporaltest" {
			t.Errorf("guichet links %s", pkg)
		}
	}
}
