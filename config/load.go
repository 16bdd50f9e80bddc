package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

// DefaultFile is read from the working directory when Load is given no path
// and the file exists.
const DefaultFile = "guichet.yaml"

// EnvPrefix prefixes every environment variable: the key tickets.pickup_deadline
// is read from GUICHET_TICKETS_PICKUP_DEADLINE.
const EnvPrefix = "GUICHET"

// Load builds the configuration from, in increasing priority: the defaults,
// a YAML file, GUICHET_<SECTION>_<KEY> environment variables, and overrides
// (command-line flags, keyed like the file: "web.addr", "data_dir").
//
// With an empty path, ./guichet.yaml is read if it exists; an explicit path
// that does not exist is an error. Unknown keys in the file, values of the
// wrong type and values that fail validation are all errors; every problem
// found is reported (joined), each as an *Error naming the key, the value and
// what is expected. ExitCode maps such errors to exit status 2.
func Load(path string, overrides map[string]any) (Config, error) {
	v := viper.New()
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()

	keys := Keys()
	known := make(map[string]bool, len(keys))
	for _, k := range keys {
		known[k] = true
	}
	for k, val := range defaultSettings() {
		v.SetDefault(k, val)
	}
	// AutomaticEnv alone only answers Get for keys viper already knows about;
	// binding each key makes Unmarshal see environment-only values too.
	for _, k := range keys {
		if err := v.BindEnv(k); err != nil {
			return Config{}, fmt.Errorf("config: bind %s: %w", k, err)
		}
	}

	file, err := readFile(v, path)
	if err != nil {
		return Config{}, err
	}

	overrideKeys := make(map[string]bool, len(overrides))
	for _, k := range sortedKeys(overrides) {
		val := overrides[k]
		lk := strings.ToLower(k)
		if !known[lk] {
			return Config{}, &Error{Key: k, Value: fmt.Sprint(val), Expected: "a known configuration key"}
		}
		overrideKeys[lk] = true
		v.Set(lk, val)
	}

	src := sources{v: v, file: file, overrides: overrideKeys}
	var cfg Config
	err = v.UnmarshalExact(&cfg, viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(
		durationHook, byteSizeHook, intListHook, academiesHook, stringListHook,
	)))
	if err != nil {
		return Config{}, src.explain(err)
	}
	cfg.normalize()
	if err := cfg.Validate(); err != nil {
		return Config{}, src.annotate(err)
	}
	return cfg, nil
}

// readFile reads the YAML file into v and returns its name ("" when none).
func readFile(v *viper.Viper, path string) (string, error) {
	explicit := path != ""
	if !explicit {
		if _, err := os.Stat(DefaultFile); err != nil {
			return "", nil
		}
		path = DefaultFile
	}
	data, err := os.ReadFile(path) // #nosec G304 -- the operator's own --config file (or the fixed default): reading it is the point
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", &Error{File: path, Err: errors.New("file not found")}
		}
		return "", &Error{File: path, Err: err}
	}
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		// viper wraps the YAML error ("yaml: line 3: …"); keep the useful part.
		msg := err.Error()
		var pe viper.ConfigParseError
		if errors.As(err, &pe) && pe.Unwrap() != nil {
			msg = pe.Unwrap().Error()
		}
		msg = strings.Join(strings.Fields(strings.TrimPrefix(msg, "yaml: ")), " ")
		return "", &Error{File: path, Err: fmt.Errorf("invalid YAML: %s", msg)}
	}
	return path, nil
}

// Keys lists every configuration key (dotted, lower case), in the order of
// the Config struct. Lists of structs (academies) are one key.
func Keys() []string {
	var keys []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("mapstructure"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, prefix+tag+".")
				continue
			}
			keys = append(keys, prefix+tag)
		}
	}
	walk(reflect.TypeOf(Config{}), "")
	return keys
}

// EnvVar returns the environment variable read for a key:
// "web.addr" → "GUICHET_WEB_ADDR".
func EnvVar(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// defaultSettings flattens Defaults() into viper keys.
func defaultSettings() map[string]any {
	out := map[string]any{}
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("mapstructure"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			if f.Type.Kind() == reflect.Struct {
				walk(v.Field(i), prefix+tag+".")
				continue
			}
			out[prefix+tag] = v.Field(i).Interface()
		}
	}
	walk(reflect.ValueOf(Defaults()), "")
	// Lists of structs are given as plain maps so that they decode like a
	// list written in the file.
	var academies []any
	for _, a := range Defaults().Academies {
		academies = append(academies, map[string]any{"code": a.Code, "name": a.Name})
	}
	out["academies"] = academies
	return out
}

// Decode hooks. Each returns a *valueError so that the failure is reported
// with the key (which mapstructure knows) and what is expected.

// valueError is a decode failure before the key is known.
type valueError struct {
	value    any
	expected string
}

func (e *valueError) Error() string {
	return fmt.Sprintf("%v: expected %s", e.value, e.expected)
}

const expectDuration = "a duration like 10m or 1h30m (units: s, m, h)"

var (
	durationType  = reflect.TypeOf(time.Duration(0))
	int64Type     = reflect.TypeOf(int64(0))
	intListType   = reflect.TypeOf([]int(nil))
	stringsType   = reflect.TypeOf([]string(nil))
	academiesType = reflect.TypeOf([]Academy(nil))
)

// durationHook parses "10m", "1h30m", and refuses bare numbers, which would
// silently be nanoseconds.
func durationHook(from, to reflect.Type, data any) (any, error) {
	if to != durationType || from == durationType {
		return data, nil
	}
	s, ok := data.(string)
	if !ok {
		return nil, &valueError{data, expectDuration}
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return nil, &valueError{s, expectDuration}
	}
	return d, nil
}

const expectSize = "a size in bytes like 10485760, 10MiB or 512KiB"

// byteSizeHook accepts byte counts with an optional unit (B, KB, KiB, MB,
// MiB, GB, GiB) for int64 keys (the *_bytes keys).
func byteSizeHook(from, to reflect.Type, data any) (any, error) {
	if to != int64Type || from.Kind() != reflect.String {
		return data, nil
	}
	n, err := parseSize(data.(string))
	if err != nil {
		return nil, &valueError{data, expectSize}
	}
	return n, nil
}

func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
		{"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
		{"B", 1},
	}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("config: size %q: %w", s, err)
	}
	return n * mult, nil
}

const expectDays = "day numbers from 1 (Monday) to 7 (Sunday), like [1,2,3,4,5] or \"1,2,3,4,5\""

// intListHook turns "1,2,3" (an environment variable) into []int.
func intListHook(from, to reflect.Type, data any) (any, error) {
	if to != intListType || from.Kind() != reflect.String {
		return data, nil
	}
	var out []int
	for _, part := range splitList(data.(string)) {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil, &valueError{data, expectDays}
		}
		out = append(out, n)
	}
	return out, nil
}

// stringListHook turns "a,b" into []string.
func stringListHook(from, to reflect.Type, data any) (any, error) {
	if to != stringsType || from.Kind() != reflect.String {
		return data, nil
	}
	return splitList(data.(string)), nil
}

const expectAcademies = `a list of académies (code, name) in the file, or "code=Name" pairs like "creteil=Créteil,rouen=Rouen" in GUICHET_ACADEMIES`

// academiesHook turns "creteil=Créteil,rouen=Rouen" (GUICHET_ACADEMIES) into
// académies; richer settings (logo, opening hours) need the file.
func academiesHook(from, to reflect.Type, data any) (any, error) {
	if to != academiesType || from.Kind() != reflect.String {
		return data, nil
	}
	var out []map[string]any
	for _, part := range splitList(data.(string)) {
		code, name, ok := strings.Cut(part, "=")
		if !ok {
			return nil, &valueError{data, expectAcademies}
		}
		out = append(out, map[string]any{"code": strings.TrimSpace(code), "name": strings.TrimSpace(name)})
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// sources tells where a key's value came from, for error messages.
type sources struct {
	v         *viper.Viper
	file      string
	overrides map[string]bool
}

// of returns "GUICHET_…", the file name, "command line", or "" (default).
func (s sources) of(key string) string {
	root := key
	if i := strings.IndexByte(root, '['); i >= 0 {
		root = root[:i]
	}
	switch {
	case s.overrides[root]:
		return "command line"
	case os.Getenv(EnvVar(root)) != "":
		return EnvVar(root)
	case s.file != "" && s.v.InConfig(root):
		return s.file
	}
	return ""
}

// explain turns mapstructure's errors into *Error values.
func (s sources) explain(err error) error {
	var out []error
	var walk func(err error)
	walk = func(err error) {
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
			return
		}
		de, ok := err.(*mapstructure.DecodeError)
		if !ok {
			if inner := errors.Unwrap(err); inner != nil {
				walk(inner)
			} else {
				out = append(out, &Error{Err: err})
			}
			return
		}
		// Nested decode errors carry the full path: keep the innermost.
		inner := de.Unwrap()
		if _, nested := inner.(*mapstructure.DecodeError); nested || isJoined(inner) {
			walk(inner)
			return
		}
		out = append(out, s.decodeError(de.Name(), inner)...)
	}
	walk(err)
	return errors.Join(out...)
}

func isJoined(err error) bool {
	_, ok := err.(interface{ Unwrap() []error })
	return ok
}

func (s sources) decodeError(key string, err error) []error {
	var ve *valueError
	var pe *mapstructure.ParseError
	var ue *mapstructure.UnconvertibleTypeError
	switch {
	case errors.As(err, &ve):
		return []error{s.keyError(key, ve.value, ve.expected)}
	case errors.As(err, &pe):
		return []error{s.keyError(key, pe.Value, expectedFor(pe.Expected.Type()))}
	case errors.As(err, &ue):
		return []error{s.keyError(key, ue.Value, expectedFor(ue.Expected.Type()))}
	}
	if msg, ok := strings.CutPrefix(err.Error(), "has invalid keys: "); ok {
		var out []error
		for _, k := range strings.Split(msg, ", ") {
			full := k
			if key != "" {
				full = key + "." + k
			}
			out = append(out, &Error{Key: full, Source: s.of(full), Err: errors.New("unknown key")})
		}
		return out
	}
	return []error{&Error{Key: key, Source: s.of(key), Err: err}}
}

func (s sources) keyError(key string, value any, expected string) *Error {
	return &Error{Key: key, Value: display(key, value), Expected: expected, Source: s.of(key)}
}

// annotate adds the source of each value to validation errors.
func (s sources) annotate(err error) error {
	var out []error
	for _, e := range unjoin(err) {
		var ce *Error
		if errors.As(e, &ce) && ce.Source == "" {
			ce.Source = s.of(ce.Key)
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func expectedFor(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.String:
		return "a text value"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "a mapping of keys"
	}
	return "a value of type " + t.String()
}

// display formats a value for an error message; secrets are never echoed.
func display(key string, value any) string {
	if value == nil || value == "" {
		return ""
	}
	switch key {
	case "mail.smtp_password", "mail.reply_secret", "database.dsn", "auth.totp_key", "temporal.server.postgres_dsn", "webhooks.secret_key":
		return "(hidden)"
	}
	if strings.HasSuffix(key, ".bind_password") {
		return "(hidden)"
	}
	return fmt.Sprint(value)
}

// Error is a configuration problem: a file that cannot be read, or a key
// whose value is unknown, malformed or out of range. Its message is meant for
// the operator, e.g.
//
//	config: tickets.pickup_deadline = "10 minutes" (from GUICHET_TICKETS_PICKUP_DEADLINE): expected a duration like 10m or 1h30m
type Error struct {
	File     string // the configuration file concerned, if any
	Key      string // dotted key, e.g. "tickets.pickup_deadline"
	Value    string // the offending value as given
	Source   string // where the value came from: file, GUICHET_… variable, "command line"
	Expected string // what would be accepted
	Err      error  // underlying cause, when there is no Expected
}

// Error formats the problem on one line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	if e.File != "" && e.Key == "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		if e.Value != "" || e.Expected != "" {
			fmt.Fprintf(&b, " = %q", e.Value)
		}
		switch {
		case e.Source != "":
			fmt.Fprintf(&b, " (from %s)", e.Source)
		case e.File != "":
			fmt.Fprintf(&b, " (in %s)", e.File)
		}
		b.WriteString(": ")
	}
	switch {
	case e.Expected != "":
		b.WriteString("expected ")
		b.WriteString(e.Expected)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString("invalid")
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// ExitCode is the process exit status for an error returned by Load or a
// command: 0 for nil, 2 for a configuration error, 1 otherwise.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ce *Error
	if errors.As(err, &ce) {
		return 2
	}
	return 1
}

// sortedKeys is used where map order would leak into messages.
func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
