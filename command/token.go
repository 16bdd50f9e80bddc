package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"guichet/assembly"
	"guichet/config"
	"guichet/store"
)

// tokenUsage is the help of `guichet token`.
const tokenUsage = `usage: guichet token create --user LOGIN [--expires 30d] [--scope read|write]
                            [--name NAME] [--application] [--config FILE] [--data-dir DIR]

Creates an API token acting as LOGIN and prints it once (only its hash is
kept). --expires takes days (30d), hours (12h) or "never" (default 90d);
--application makes an application token (LOGIN is then a service account).
` // #nosec G101 -- help text that mentions tokens, not a credential

// runToken runs `guichet token create …`.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const name = "token create"
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprint(stderr, tokenUsage)
		return usageError(name, nil)
	}
	fs := flag.NewFlagSet("guichet token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	dataDir := fs.String("data-dir", "", "data directory")
	login := fs.String("user", "", "login of the person the token acts as (required)")
	expires := fs.String("expires", "90d", `lifetime: 30d, 12h or "never"`)
	scope := fs.String("scope", store.ScopeRead, "read or write")
	tokenName := fs.String("name", "", "name of the token (default: created by the command line)")
	app := fs.Bool("application", false, "make an application token")
	if err := parseFlags(name, fs, args[1:]); err != nil {
		return err
	}
	if *login == "" || fs.NArg() > 0 {
		fmt.Fprint(stderr, tokenUsage)
		return usageError(name, nil)
	}
	ttl, err := parseTokenTTL(*expires)
	if err != nil {
		return usageError(name, err)
	}
	if *scope != store.ScopeRead && *scope != store.ScopeWrite {
		return usageError(name, fmt.Errorf("--scope must be read or write, not %q", *scope))
	}
	cfg, err := loadFlagsConfig(*path, *dataDir)
	if err != nil {
		return usageError("token", err)
	}
	kind := store.TokenPersonal
	if *app {
		kind = store.TokenApplication
	}
	if *tokenName == "" {
		*tokenName = "ligne de commande " + time.Now().Format("2006-01-02")
	}
	tok, err := createToken(ctx, cfg, store.NewToken{Kind: kind, Name: *tokenName, Scope: *scope, TTL: ttl}, *login)
	if err != nil {
		return failed(name, err)
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

// createToken makes a token for the person with login.
func createToken(ctx context.Context, cfg config.Config, n store.NewToken, login string) (string, error) {
	db, err := assembly.OpenStore(ctx, cfg, true)
	if err != nil {
		return "", err
	}
	defer db.Close()
	p, err := db.GetPersonByLogin(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("nobody has the login %q", login)
	}
	if err != nil {
		return "", err
	}
	if p.Disabled {
		return "", fmt.Errorf("the account %q is disabled", login)
	}
	n.PersonID = p.ID
	tok, _, err := db.CreateToken(ctx, n)
	return tok, err
}

// parseTokenTTL reads a lifetime: "30d", "12h", "90m" or "never" (0).
func parseTokenTTL(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "never" || s == "0" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("--expires %q: give a number of days such as 30d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--expires %q: give 30d, 12h or never", s)
	}
	return d, nil
}
