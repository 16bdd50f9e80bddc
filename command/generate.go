package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"guichet/assembly"
	"guichet/bench"
	"guichet/config"
	"guichet/demo"
	"guichet/store"
)

// generateUsage is the help of `guichet generate`.
const generateUsage = `usage: guichet generate [flags]

Writes a realistic volume straight into the configured application database
(SQLite or PostgreSQL: --config, GUICHET_DATABASE_DRIVER, GUICHET_DATABASE_DSN),
for benchmarks: generated people of the directory (requesters over 150
entities per académie, technicians), tickets spread over the académies and
over time with their whole timelines, knowledge-base articles; then it
rebuilds the search index of the new tickets. Generated tickets are numbered
G<yymmdd>_<index> and have no workflow.

On an empty database the demo directory and catalogue are loaded first.
When generated tickets are there already, the new ones are appended after
them. A database holding tickets filed through the application is refused
unless --force (the generated tickets are then added beside them; nothing
existing is changed).
`

// generateFlags are the options of `guichet generate`.
type generateFlags struct {
	config, dataDir, academies, focus string
	tickets, articles                 int
	people, technicians               int
	seed                              uint64
	attachments, force                bool
}

// runGenerate runs `guichet generate`.
func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const name = "generate"
	fs := flag.NewFlagSet("guichet generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, generateUsage+"\nFlags:\n"); fs.PrintDefaults() }
	var f generateFlags
	fs.StringVar(&f.config, "config", "", "configuration file (YAML)")
	fs.StringVar(&f.dataDir, "data-dir", "", "data directory")
	fs.IntVar(&f.tickets, "tickets", 1000000, "tickets to add (the issue's figure: 1000000)")
	fs.IntVar(&f.articles, "articles", 5000, "knowledge-base articles to add (the issue's figure: 5000)")
	fs.StringVar(&f.academies, "academies", "", "académie codes receiving the data in turn, comma-separated (default: three académies of the database)")
	fs.IntVar(&f.people, "people", bench.DefaultGeneratedPeople, "generated requesters per académie (created when missing)")
	fs.IntVar(&f.technicians, "technicians", bench.DefaultGeneratedTechnicians, "generated technicians per académie (created when missing)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the generated content")
	fs.BoolVar(&f.attachments, "attachments", false, "join a small text document to one ticket in 20")
	fs.StringVar(&f.focus, "focus", "", "login of a person who files one ticket in 400 and receives one in 800 (the benchmark's requester: agent.creteil)")
	fs.BoolVar(&f.force, "force", false, "add generated tickets even when the database holds real ones")
	if err := parseFlags(name, fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(name, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	o, err := f.options()
	if err != nil {
		return usageError(name, err)
	}
	cfg, err := loadFlagsConfig(f.config, f.dataDir)
	if err != nil {
		return usageError(name, err)
	}
	if err := generate(ctx, cfg, o, f.focus, f.force, stdout, stderr); err != nil {
		var rerr *realTicketsError
		if errors.As(err, &rerr) {
			return usageError(name, err)
		}
		return failed(name, err)
	}
	return nil
}

// options checks the flags and turns them into generator options.
func (f generateFlags) options() (bench.GenerateOptions, error) {
	o := bench.GenerateOptions{Tickets: f.tickets, Articles: f.articles, People: f.people,
		Technicians: f.technicians, Seed: f.seed, Attachments: f.attachments}
	switch {
	case f.tickets < 0 || f.articles < 0:
		return o, errors.New("--tickets and --articles must be 0 or more")
	case f.tickets == 0 && f.articles == 0:
		return o, errors.New("nothing to generate: give --tickets or --articles")
	case f.tickets > 9_999_999:
		return o, errors.New("--tickets: at most 9999999 per database (the index of a generated number has 7 digits)")
	case f.people < 1 || f.technicians < 1:
		return o, errors.New("--people and --technicians must be 1 or more")
	}
	if f.academies != "" {
		for _, c := range strings.Split(f.academies, ",") {
			c = strings.ToLower(strings.TrimSpace(c))
			if c == "" {
				return o, fmt.Errorf("--academies %q: give académie codes such as creteil,rouen,versailles", f.academies)
			}
			o.Academies = append(o.Academies, c)
		}
	}
	return o, nil
}

// realTicketsError refuses a database holding tickets filed through the
// application.
type realTicketsError struct{ n int }

func (e *realTicketsError) Error() string {
	return fmt.Sprintf("la base contient %d tickets réels : rien n'est écrit ; "+
		"--force ajoute les tickets générés à côté d'eux, sans rien modifier", e.n)
}

// generate opens the database (migrating it), checks what it holds and
// writes the generated volume.
func generate(ctx context.Context, cfg config.Config, o bench.GenerateOptions, focus string, force bool, stdout, stderr io.Writer) error {
	db, err := assembly.OpenStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	generated, real, err := bench.CountTickets(ctx, db)
	if err != nil {
		return err
	}
	if real > 0 && !force {
		return &realTicketsError{n: real}
	}
	academies, err := db.ListAcademies(ctx)
	if err != nil {
		return err
	}
	if len(academies) == 0 {
		fmt.Fprintln(stdout, "Base vide : chargement de l'annuaire et du catalogue de démonstration.")
		if _, err := demo.Load(ctx, db, cfg.Academies, assembly.NewLogger(cfg.Log, stderr)); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	if focus != "" {
		p, err := db.GetPersonByLogin(ctx, focus)
		if err != nil {
			return fmt.Errorf("--focus %q : personne introuvable dans l'annuaire", focus)
		}
		o.Focus = p.ID
	}
	if generated > 0 {
		fmt.Fprintf(stdout, "%d tickets générés sont déjà là : les nouveaux sont ajoutés à leur suite.\n", generated)
	}
	start := time.Now()
	o.Logf = func(format string, args ...any) {
		fmt.Fprintf(stderr, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	res, err := bench.Generate(ctx, db, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Généré en %s dans la base %s (académies %s) :\n", time.Since(start).Round(time.Second),
		dbName(db), strings.Join(res.Academies, ", "))
	fmt.Fprintf(stdout, "  %d tickets", res.Tickets)
	if res.Tickets > 0 {
		fmt.Fprintf(stdout, " (%s … %s), %d événements de suivi, %d documents, %d indexés pour la recherche",
			res.FirstNumber, res.LastNumber, res.Events, res.Attachments, res.Indexed)
	}
	fmt.Fprintf(stdout, "\n  %d articles, %d personnes créées dans l'annuaire\n", res.Articles, res.PeopleCreated)
	return nil
}

// dbName names the database driver for the summary.
func dbName(db *store.DB) string {
	if db.Driver() == store.DriverPostgres {
		return "PostgreSQL"
	}
	return "SQLite"
}
