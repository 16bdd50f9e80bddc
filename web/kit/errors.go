package kit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/catalogue"
)

// Application error codes. A handler returns an *Error carrying one; the
// single error handler (web.Server.handleError) turns it into an HTTP status and a
// French page or a JSON body.
const (
	ENOTFOUND     = "ENOTFOUND"     // 404
	EUNAUTHORIZED = "EUNAUTHORIZED" // 401
	EFORBIDDEN    = "EFORBIDDEN"    // 403
	EINVALID      = "EINVALID"      // 400 (422 with Error.Status)
	ECONFLICT     = "ECONFLICT"     // 409
	ETOOLARGE     = "ETOOLARGE"     // 413
	ETOOMANY      = "ETOOMANY"      // 429
	EINTERNAL     = "EINTERNAL"     // 500
)

// Error is an application error: a code, a user-safe message given as a
// catalogue key (and its arguments), and the underlying cause, which is
// logged but never shown.
type Error struct {
	Code string
	// Key is the i18n catalogue key of the message shown to the user; empty
	// means the generic message of the code.
	Key  string
	Args []any
	// Status overrides the code's HTTP status (e.g. 422 for EINVALID).
	Status int
	// Fields names the fields in error with their messages (the "fields"
	// of a JSON answer).
	Fields map[string]string
	Err    error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("web: ")
	b.WriteString(e.Code)
	if e.Key != "" {
		b.WriteString(" ")
		b.WriteString(e.Key)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an application error with a catalogue key for the message.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// CodeStatus maps an application error code to its HTTP status.
func CodeStatus(code string) int {
	switch code {
	case ENOTFOUND:
		return http.StatusNotFound
	case EUNAUTHORIZED:
		return http.StatusUnauthorized
	case EFORBIDDEN:
		return http.StatusForbidden
	case EINVALID:
		return http.StatusBadRequest
	case ECONFLICT:
		return http.StatusConflict
	case ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case ETOOMANY:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// StatusCode maps an HTTP status (from Fiber's own errors) to a code.
func StatusCode(status int) string {
	switch status {
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return ENOTFOUND
	case http.StatusUnauthorized:
		return EUNAUTHORIZED
	case http.StatusForbidden:
		return EFORBIDDEN
	case http.StatusConflict:
		return ECONFLICT
	case http.StatusRequestEntityTooLarge:
		return ETOOLARGE
	case http.StatusTooManyRequests:
		return ETOOMANY
	}
	if status >= 400 && status < 500 {
		return EINVALID
	}
	return EINTERNAL
}

// Classify turns any error into an *Error with a user-safe message.
func Classify(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return &Error{Code: StatusCode(fe.Code), Status: fe.Code, Err: err}
	}
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Code: ENOTFOUND, Err: err}
	}
	if errors.Is(err, context.Canceled) {
		// The client went away; 499 as nginx counts it, nobody reads the page.
		return &Error{Code: EINTERNAL, Status: 499, Err: err}
	}
	return &Error{Code: EINTERNAL, Err: err}
}

// WantsJSON reports whether the client asked for JSON: API paths, or an
// Accept header preferring JSON over HTML.
func WantsJSON(c *fiber.Ctx) bool {
	if strings.HasPrefix(c.Path(), "/api/") {
		return true
	}
	return c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON
}

// FormatBytes writes a size the French way: "25 Mo", "2,5 Mo", "1 500 Mo",
// "300 ko".
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return catalogue.FormatNumber(catalogue.French, n>>20) + " Mo"
	case n >= 1<<20:
		tenths := (n*10 + 1<<19) >> 20 // rounded to the nearest tenth of a Mo
		return catalogue.FormatNumber(catalogue.French, tenths/10) + "," + strconv.FormatInt(tenths%10, 10) + " Mo"
	case n >= 1<<10:
		return fmt.Sprintf("%d ko", n>>10)
	default:
		return fmt.Sprintf("%d octets", n)
	}
}
