package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"guichet/activities"
	"guichet/config"
	"guichet/identity"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/worker"
	"guichet/workflows"
)

func TestImportCSV(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := newServiceOn(t, db, config.Defaults(), nil)
		file := "\ufeffIdentifiant;Nom;Prénom;Mail;Téléphone;Entité;Académie\n" +
			"amartin;Martin;Anne;anne.martin@ac-creteil.fr;0102030405;Collège Jean Moulin;creteil\n" +
			";Sans;Identifiant;;;;creteil\n" +
			"bpetit;Petit;;;;;creteil\n" +
			"cdupont;Dupont;Chloé;pas-une-adresse;;;creteil\n" +
			"dlefevre;Lefèvre;Didier;;;;lyon\n" +
			"amartin;Martin;Anne-Bis;;;;creteil\n" +
			"\"emoreau;Moreau;Éric;;;;creteil\n"
		var calls [][2]int
		res, err := svc.ImportCSV(ctx, strings.NewReader(file), identity.ImportOptions{Name: "agents.csv", Progress: func(done, total int) {
			calls = append(calls, [2]int{done, total})
		}})
		if err != nil {
			t.Fatal(err)
		}
		t.Run("the good row is imported", func(t *testing.T) {
			p, err := db.GetPersonByLogin(ctx, "amartin")
			if err != nil {
				t.Fatal(err)
			}
			if p.FirstName != "Anne" || p.Entity != "Collège Jean Moulin" || p.Phone != "0102030405" || p.AcademyCode != "creteil" {
				t.Errorf("person = %+v", p)
			}
			if res.Imported != 1 || res.Run.Added != 1 {
				t.Errorf("imported %d, added %d", res.Imported, res.Run.Added)
			}
		})
		t.Run("each bad row is reported with its line number", func(t *testing.T) {
			var got []string
			for _, e := range res.Skipped {
				got = append(got, e.String())
			}
			want := []string{
				"ligne 3 : identifiant manquant",
				"ligne 4 : prénom manquant",
				`ligne 5 : adresse mail "pas-une-adresse" invalide`,
				`ligne 6 : académie "lyon" inconnue`,
				`ligne 7 : identifiant "amartin" déjà présent ligne 2`,
				"ligne 8 : ligne mal formée (guillemet non fermé ou mal placé)",
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
		t.Run("the run is recorded for administrators", func(t *testing.T) {
			run, err := db.GetDirectoryRun(ctx, res.Run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if run.Status != store.RunDone || run.Added != 1 || run.Errors != 6 || !strings.Contains(run.Messages, "ligne 6") {
				t.Errorf("run = %+v", run)
			}
		})
		t.Run("progress goes from zero to every good row", func(t *testing.T) {
			if len(calls) != 2 || calls[0] != [2]int{0, 1} || calls[1] != [2]int{1, 1} {
				t.Errorf("progress calls = %v", calls)
			}
		})
		t.Run("importing again with a change updates the person", func(t *testing.T) {
			again := "login,nom,prenom,service\namartin,Martin,Anne,Vie scolaire\n"
			res, err := svc.ImportCSV(ctx, strings.NewReader(again), identity.ImportOptions{Name: "maj.csv", Academy: "creteil", OnlyAcademy: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Run.Updated != 1 || res.Run.Added != 0 || len(res.Skipped) != 0 {
				t.Errorf("run = %+v, skipped %v", res.Run, res.Skipped)
			}
			p, _ := db.GetPersonByLogin(ctx, "amartin")
			if p.Service != "Vie scolaire" {
				t.Errorf("service = %q", p.Service)
			}
		})
		t.Run("a file without the required columns is refused whole", func(t *testing.T) {
			_, err := svc.ImportCSV(ctx, strings.NewReader("nom;prenom\nMartin;Anne\n"), identity.ImportOptions{Name: "x.csv", Academy: "creteil"})
			if msg := identity.FileProblem(err); !strings.Contains(msg, "identifiant") {
				t.Fatalf("err = %v, message %q", err, msg)
			}
		})
	})
}

func TestDirectorySync(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := startLDAP(t, ldaps, claire(), bruno())
		cfg := testConfig(srv)
		svc := newServiceOn(t, db, cfg, srv)

		run, err := svc.SyncAcademy(ctx, "test", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("a first sync adds everyone", func(t *testing.T) {
			if run.Seen != 2 || run.Added != 2 || run.Updated != 0 || run.Disabled != 0 || run.Status != store.RunDone {
				t.Errorf("run = %+v", run)
			}
			p, err := db.GetPersonByLogin(ctx, "cmartin")
			if err != nil {
				t.Fatal(err)
			}
			grants, _ := db.Roles(ctx, p.ID)
			if !store.HasRole(grants, "test", store.RoleTechnician) {
				t.Errorf("grants = %+v", grants)
			}
		})

		changed := claire()
		changed.attrs["telephoneNumber"] = []string{"09 87 65 43 21"}
		srv.setUsers(changed, locked())
		// The next run starts at a later second than the first.
		svc = newServiceOn(t, db, cfg, srv, identity.WithClock(func() time.Time { return time.Now().Add(2 * time.Second) }))
		run, err = svc.SyncAcademy(ctx, "test", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("a second sync updates, adds and disables the people gone", func(t *testing.T) {
			if run.Seen != 2 || run.Added != 1 || run.Updated != 1 || run.Disabled != 1 {
				t.Errorf("run = %+v", run)
			}
			for login, wantDisabled := range map[string]bool{"cmartin": false, "bdurand": true, "parti": true} {
				p, err := db.GetPersonByLogin(ctx, login)
				if err != nil {
					t.Fatal(err)
				}
				if p.Disabled != wantDisabled {
					t.Errorf("%s disabled = %v", login, p.Disabled)
				}
			}
		})
		t.Run("the runs are listed newest first", func(t *testing.T) {
			runs, err := db.DirectoryRuns(ctx, "test", 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != 2 || runs[0].ID != run.ID {
				t.Errorf("runs = %+v", runs)
			}
		})
	})
}

func TestDirectorySyncWorkflow(t *testing.T) {
	db := storetest.SQLite(t)
	srv := startLDAP(t, plainLDAP, claire(), bruno())
	cfg := testConfig(srv)
	svc := newServiceOn(t, db, cfg, srv)

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	worker.RegisterDirectory(env, &activities.Directory{Identity: svc})
	env.ExecuteWorkflow(workflows.DirectorySyncWorkflowName, workflows.DirectorySyncInput{})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res workflows.DirectorySyncResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	t.Run("the workflow synchronises every académie with a directory", func(t *testing.T) {
		if len(res.Academies) != 1 || res.Academies[0].Academy != "test" || res.Academies[0].Added != 2 {
			t.Errorf("result = %+v", res)
		}
	})
}
