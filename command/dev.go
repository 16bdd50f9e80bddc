package command

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"

	"guichet/assembly"
	"guichet/config"
	"guichet/demo"
	"guichet/embedded"
	"guichet/identity"
)

// runDev runs `guichet dev`: the whole embedded stack in one process.
func runDev(ctx context.Context, cfg config.Config, out io.Writer) error {
	logger := assembly.NewLogger(cfg.Log, os.Stderr)
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory %s: %w", cfg.DataDir, err)
	}
	if cfg.Mail.ReplySecret == "" {
		secret, err := devSecret(filepath.Join(cfg.DataDir, "reply-secret"))
		if err != nil {
			return err
		}
		cfg.Mail.ReplySecret = secret
	}
	if err := checkPortFree("web", cfg.Web.Addr); err != nil {
		return err
	}
	reg, metrics, err := assembly.NewMetrics()
	if err != nil {
		return err
	}
	logger.Info("démarrage de Temporal (intégré)", "addr", cfg.Temporal.HostPort)
	tsrv, err := embedded.StartTemporal(ctx, embedded.TemporalOptions{
		DataDir:   cfg.DataDir,
		HostPort:  cfg.Temporal.HostPort,
		UIAddr:    cfg.Temporal.UIAddr,
		Namespace: cfg.Temporal.Namespace,
		Retention: cfg.Temporal.Retention,
		Logger:    logger.With("component", "temporal-server"),

		UIWriteActions: cfg.Temporal.UIWriteActions,
	})
	if err != nil {
		return err
	}
	defer tsrv.Stop()

	db, c, fresh, err := assembly.OpenDemo(ctx, cfg, logger, metrics)
	if err != nil {
		return err
	}
	defer db.Close()
	defer c.Close()
	if err := identity.EnsureSchedule(ctx, c, cfg); err != nil {
		logger.Warn("planification de la synchronisation de l'annuaire", "err", err)
	}

	assembly.SizeWorkflowCache(cfg)
	app, err := assembly.New(cfg, db, c, assembly.Options{Parts: assembly.All, Logger: logger, Registry: reg, Spool: true})
	if err != nil {
		return err
	}
	g := assembly.NewGroup(ctx)
	app.Start(g)
	if fresh {
		g.Loop(func(ctx context.Context) error {
			codes := make([]string, 0, len(cfg.Academies))
			for _, a := range cfg.Academies {
				codes = append(codes, a.Code)
			}
			if err := demo.Tickets(ctx, db, codes, app.Intake, c); err != nil {
				logger.Error("tickets de démonstration", "err", err)
			}
			return nil
		})
	}
	printDevBanner(out, cfg, tsrv.UIURL())
	return g.Wait()
}

// checkPortFree fails with a clear message when addr is already taken.
func checkPortFree(what, addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: address %s is not available (%w); choose another one with the matching flag", what, addr, err)
	}
	return l.Close()
}

// printDevBanner tells the developer where everything is and how to sign in.
func printDevBanner(out io.Writer, cfg config.Config, uiURL string) {
	fmt.Fprintf(out, `
Guichet (développement) est prêt.

  Application web   %s
  Temporal Web UI   %s
  Temporal gRPC     %s
  Données           %s

Comptes de démonstration (mot de passe : guichet) :
  admin                         administrateur global
`, cfg.Web.BaseURL, uiURL, cfg.Temporal.HostPort, cfg.DataDir)
	for _, a := range cfg.Academies {
		fmt.Fprintf(out, "  agent.%-8s collegue.%-8s tech.%-8s superviseur.%s   (%s)\n", a.Code, a.Code, a.Code, a.Code, a.Name)
	}
	fmt.Fprintln(out, "\nCtrl+C pour arrêter ; les données sont conservées.")
}

// devSecret returns the secret kept in path, creating a random one on first
// use, so that reply addresses of the embedded default stay valid across
// restarts without any configuration. The file is readable by its owner
// only: one found with looser permissions is tightened.
func devSecret(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 { // #nosec G304 -- a fixed name in the operator's data directory
		if err := os.Chmod(path, 0o600); err != nil {
			return "", fmt.Errorf("protect secret %s: %w", path, err)
		}
		return string(b), nil
	}
	// A leftover too short to use is replaced by a new file: WriteFile
	// would keep its permissions.
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("replace secret %s: %w", path, err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("generate secret: %w", err)
	}
	secret := hex.EncodeToString(raw[:])
	if err := os.WriteFile(path, []byte(secret), 0o600); err != nil {
		return "", fmt.Errorf("store secret %s: %w", path, err)
	}
	return secret, nil
}
