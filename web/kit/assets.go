package kit

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var staticFS embed.FS

// Assets serves the embedded static files (DSFR, htmx, Guichet's CSS) under
// /static/<version>/, where version is a hash of their content: a URL never
// changes meaning, so browsers may cache it for a year.
type Assets struct {
	fsys    fs.FS
	version string
	prefix  string // "/static/<version>/"
}

// NewAssets hashes the embedded static files.
func NewAssets() (*Assets, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	h := sha256.New()
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: hash static files: %w", err)
	}
	v := hex.EncodeToString(h.Sum(nil))[:12]
	return &Assets{fsys: sub, version: v, prefix: "/static/" + v + "/"}, nil
}

// URL returns the versioned URL of an embedded file ("dsfr/dsfr.min.css").
func (a *Assets) URL(name string) string { return a.prefix + strings.TrimPrefix(name, "/") }

// Serve answers GET /static/:version/*. A current version is cached for a
// year (immutable); an old one (a page from before a deploy) is still
// served, but not cached.
func (a *Assets) Serve(c *fiber.Ctx) error {
	name := path.Clean("/" + c.Params("*"))[1:]
	if name == "" || strings.HasSuffix(name, ".sh") || strings.HasSuffix(name, "VERSION") {
		return fiber.ErrNotFound
	}
	b, err := fs.ReadFile(a.fsys, name)
	if err != nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, contentType(name))
	if c.Params("version") == a.version {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	return c.Send(b)
}

// Favicon answers /favicon.ico, which browsers ask for on their own.
func (a *Assets) Favicon(c *fiber.Ctx) error {
	b, err := fs.ReadFile(a.fsys, "dsfr/favicon/favicon.ico")
	if err != nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, "image/x-icon")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(b)
}

// contentType gives the MIME type of a static file by extension.
func contentType(name string) string {
	switch ext := path.Ext(name); ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".ico":
		return "image/x-icon"
	case ".png":
		return "image/png"
	case ".webmanifest":
		return "application/manifest+json"
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
		return "application/octet-stream"
	}
}
