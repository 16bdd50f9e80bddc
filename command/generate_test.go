package command

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"guichet/assembly"
	"guichet/bench"
	"guichet/config"
	"guichet/store"
)

func TestGenerateCommandFillsAnEmptyDatabaseAppendsAndSparesRealTickets(t *testing.T) {
	dir := t.TempDir()
	gen := func(t *testing.T, extra ...string) (int, string, string) {
		t.Helper()
		var out, errOut bytes.Buffer
		args := append([]string{"generate", "--data-dir", dir, "--tickets", "90", "--articles", "12",
			"--people", "5", "--technicians", "1"}, extra...)
		code := Run("dev", args, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	t.Run("an empty database receives the demo directory and the generated volume", func(t *testing.T) {
		code, out, errOut := gen(t, "--focus", "agent.creteil", "--attachments")
		if code != 0 {
			t.Fatalf("exit code %d; stderr: %s", code, errOut)
		}
		for _, want := range []string{"Base vide", "90 tickets", "12 articles", "90 indexés", "5 documents"} {
			if !strings.Contains(out, want) {
				t.Errorf("output does not mention %q:\n%s", want, out)
			}
		}
	})
	t.Run("a second run says it appends and numbers after the first", func(t *testing.T) {
		code, out, errOut := gen(t, "--academies", "rouen")
		if code != 0 {
			t.Fatalf("exit code %d; stderr: %s", code, errOut)
		}
		if !strings.Contains(out, "90 tickets générés sont déjà là") || !strings.Contains(out, "_0000090") {
			t.Errorf("output does not say it appends from index 90:\n%s", out)
		}
	})
	t.Run("an unknown focus person is refused", func(t *testing.T) {
		code, _, errOut := gen(t, "--focus", "personne.inconnue")
		if code != exitFailure || !strings.Contains(errOut, "personne.inconnue") {
			t.Fatalf("exit code %d, stderr: %s", code, errOut)
		}
	})

	// A ticket filed through the application makes the database a real one.
	cfg, err := config.Load("", map[string]any{"data_dir": dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := assembly.OpenStore(ctx, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	var model store.Ticket
	if err := db.NewSelect().Model(&model).Where("number LIKE ?", bench.GeneratedPrefix+"%").Limit(1).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	model.Number, model.CreatedAt = store.FormatTicketNumber("261128", 1), time.Now().UTC()
	if _, err := db.NewInsert().Model(&model).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	count := func(t *testing.T) (int, int) {
		t.Helper()
		g, r, err := bench.CountTickets(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return g, r
	}
	t.Run("a database holding a real ticket is refused and left as it was", func(t *testing.T) {
		code, out, errOut := gen(t)
		if code != exitConfig || !strings.Contains(errOut, "1 tickets réels") || !strings.Contains(errOut, "--force") {
			t.Fatalf("exit code %d; stdout: %s; stderr: %s", code, out, errOut)
		}
		if g, r := count(t); g != 180 || r != 1 {
			t.Errorf("%d generated and %d real tickets after the refusal, want 180 and 1", g, r)
		}
	})
	t.Run("--force adds generated tickets beside the real one", func(t *testing.T) {
		code, out, errOut := gen(t, "--force")
		if code != 0 {
			t.Fatalf("exit code %d; stdout: %s; stderr: %s", code, out, errOut)
		}
		if g, r := count(t); g != 270 || r != 1 {
			t.Errorf("%d generated and %d real tickets, want 270 and 1", g, r)
		}
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
