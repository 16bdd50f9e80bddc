package web

import (
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"guichet/web/catalogue"
	"guichet/web/kit"
	"guichet/web/pages"
)

func TestPanicRecovery(t *testing.T) {
	t.Run("a panicking handler gives a 500 page and is logged", func(t *testing.T) {
		s := &Server{}
		i18n, err := catalogue.New()
		if err != nil {
			t.Fatal(err)
		}
		if s.assets, err = kit.NewAssets(); err != nil {
			t.Fatal(err)
		}
		if s.metrics, err = kit.NewHTTPMetrics(prometheus.NewRegistry()); err != nil {
			t.Fatal(err)
		}
		var logged strings.Builder
		s.log = newTestLogger(&logged)
		app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error { return s.pages.HandleError(c, err) }})
		if s.pages, err = pages.New(pages.Deps{I18n: i18n, Assets: s.assets, Logger: s.log, App: app}); err != nil {
			t.Fatal(err)
		}
		app.Use(kit.NewRequestID(), s.observe, s.recoverPanics)
		app.Get("/panique", func(*fiber.Ctx) error { panic(errors.New("boom")) })
		resp, err := app.Test(httptest.NewRequest("GET", "/panique", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 500 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if !strings.Contains(logged.String(), "boom") {
			t.Fatalf("panic not logged: %s", logged.String())
		}
	})
}

// newTestLogger logs as text into w.
func newTestLogger(w *strings.Builder) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, nil))
}
