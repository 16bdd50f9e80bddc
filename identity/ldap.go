package identity

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"guichet/config"
	"guichet/store"
)

// errUserNotFound: the directory has no such login (try the next one).
var errUserNotFound = errors.New("user not found in directory")

// Entry is a person as the directory describes them.
type Entry struct {
	DN       string
	Person   store.Person // directory fields, académie and login set
	Groups   []string     // group DNs
	Disabled bool
}

// directory talks to one académie's LDAP server.
type directory struct {
	academy string
	cfg     config.LDAP
	tls     *tls.Config // nil: built from cfg.CAFile
}

// ldapDirectory returns the directory of an académie, or false when it has
// none.
func (s *Service) ldapDirectory(code string) (*directory, bool) {
	a, ok := s.academy(code)
	if !ok || a.LDAP == nil {
		return nil, false
	}
	cfg := *a.LDAP
	cfg.FillDefaults()
	return &directory{academy: code, cfg: cfg, tls: s.tls[code]}, true
}

// unavailable wraps a failure to reach or use the directory.
func (d *directory) unavailable(what string, err error) error {
	return fmt.Errorf("identity: ldap %s (%s): %s: %w: %w", d.academy, d.cfg.URL, what, ErrDirectoryUnavailable, err)
}

// tlsConfig returns the TLS settings for the server: the given ones, or
// the system's roots plus ca_file.
func (d *directory) tlsConfig() (*tls.Config, error) {
	u, err := url.Parse(d.cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("parse url: %w", err)
	}
	if d.tls != nil {
		tc := d.tls.Clone()
		if tc.ServerName == "" {
			tc.ServerName = u.Hostname()
		}
		return tc, nil
	}
	tc := &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	if d.cfg.CAFile != "" {
		pem, err := os.ReadFile(d.cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read ca_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file %s holds no PEM certificate", d.cfg.CAFile)
		}
		tc.RootCAs = pool
	}
	return tc, nil
}

// connect dials the server (TLS for ldaps://, StartTLS when configured),
// with the timeout on the connection and on every request, and binds as
// the service account (anonymous when bind_dn is empty).
func (d *directory) connect() (*ldap.Conn, error) {
	timeout := d.cfg.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	tc, err := d.tlsConfig()
	if err != nil {
		return nil, d.unavailable("tls", err)
	}
	conn, err := ldap.DialURL(d.cfg.URL,
		ldap.DialWithDialer(&net.Dialer{Timeout: timeout}),
		ldap.DialWithTLSConfig(tc))
	if err != nil {
		return nil, d.unavailable("connect", err)
	}
	// A server that accepts the connection then says nothing must not hang
	// the sign-in: every request has the timeout too.
	conn.SetTimeout(timeout)
	if strings.HasPrefix(d.cfg.URL, "ldap://") && d.cfg.StartTLS {
		if err := conn.StartTLS(tc); err != nil {
			_ = conn.Close() // the StartTLS failure is what the caller needs
			return nil, d.unavailable("starttls", err)
		}
	}
	if d.cfg.BindDN != "" {
		if err := conn.Bind(d.cfg.BindDN, d.cfg.BindPassword); err != nil {
			_ = conn.Close() // the bind failure is what the caller needs
			return nil, d.unavailable("service bind", err)
		}
	}
	return conn, nil
}

// attributes lists the attributes to read.
func (d *directory) attributes() []string {
	a := d.cfg.Attributes
	var out []string
	for _, n := range []string{a.Login, a.LastName, a.FirstName, a.Mail, a.Phone, a.Location, a.Entity, a.Service, a.Office, a.Groups, a.Disabled} {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// filter returns the user filter for login (escaped), or for every user
// with login "*".
func (d *directory) filter(login string) string {
	v := "*"
	if login != "*" {
		v = ldap.EscapeFilter(login)
	}
	return strings.ReplaceAll(d.cfg.UserFilter, "{login}", v)
}

// authenticate finds login with the service account, binds as them with
// password and returns their entry.
func (d *directory) authenticate(login, password string) (*Entry, error) {
	// An empty password would be an "unauthenticated bind", which many
	// servers accept: never let it through.
	if password == "" {
		return nil, fmt.Errorf("identity: ldap %s: empty password: %w", d.academy, ErrInvalidCredentials)
	}
	conn, err := d.connect()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	res, err := conn.Search(ldap.NewSearchRequest(d.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		2, int(d.cfg.Timeout/time.Second), false, d.filter(login), d.attributes(), nil))
	if err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return nil, fmt.Errorf("identity: ldap %s: %q: %w", d.academy, login, errUserNotFound)
		}
		return nil, d.unavailable("search user", err)
	}
	switch len(res.Entries) {
	case 0:
		return nil, fmt.Errorf("identity: ldap %s: %q: %w", d.academy, login, errUserNotFound)
	case 1:
	default:
		return nil, fmt.Errorf("identity: ldap %s: %q matches several entries: %w", d.academy, login, ErrInvalidCredentials)
	}
	e := res.Entries[0]
	if err := conn.Bind(e.DN, password); err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			return nil, fmt.Errorf("identity: ldap %s: bind %q: %w", d.academy, login, ErrInvalidCredentials)
		}
		return nil, d.unavailable("bind user", err)
	}
	entry := d.entry(e)
	if entry.Person.Login == "" {
		entry.Person.Login = store.NormalizeLogin(login)
	}
	return entry, nil
}

// entry maps a directory entry to a person.
func (d *directory) entry(e *ldap.Entry) *Entry {
	a := d.cfg.Attributes
	get := func(name string) string {
		if name == "" {
			return ""
		}
		return strings.TrimSpace(e.GetAttributeValue(name))
	}
	out := &Entry{DN: e.DN, Person: store.Person{
		AcademyCode: d.academy,
		Login:       store.NormalizeLogin(get(a.Login)),
		LastName:    get(a.LastName),
		FirstName:   get(a.FirstName),
		Email:       get(a.Mail),
		Phone:       get(a.Phone),
		Location:    get(a.Location),
		Entity:      get(a.Entity),
		Service:     get(a.Service),
		Office:      get(a.Office),
	}}
	if a.Groups != "" {
		out.Groups = e.GetAttributeValues(a.Groups)
	}
	if a.Disabled != "" {
		for _, v := range e.GetAttributeValues(a.Disabled) {
			for _, want := range a.DisabledValues {
				if strings.EqualFold(strings.TrimSpace(v), want) {
					out.Disabled = true
				}
			}
		}
	}
	out.Person.Disabled = out.Disabled
	return out
}

// roles returns the roles an entry gets in the académie: requester, plus
// those of the role rules whose group the entry is a member of.
func (d *directory) roles(e *Entry) []string {
	out := []string{store.RoleRequester}
	for _, r := range d.cfg.RoleRules {
		for _, g := range e.Groups {
			if groupMatches(r.Group, g) {
				out = append(out, r.Role)
				break
			}
		}
	}
	return out
}

// groupMatches compares a rule's group (a DN, or a bare cn) with a group DN,
// ignoring case and spaces around separators.
func groupMatches(rule, groupDN string) bool {
	if !strings.Contains(rule, "=") {
		first, _, _ := strings.Cut(groupDN, ",")
		_, cn, ok := strings.Cut(first, "=")
		return ok && strings.EqualFold(strings.TrimSpace(cn), strings.TrimSpace(rule))
	}
	a, errA := ldap.ParseDN(rule)
	b, errB := ldap.ParseDN(groupDN)
	if errA != nil || errB != nil {
		return strings.EqualFold(strings.TrimSpace(rule), strings.TrimSpace(groupDN))
	}
	return a.EqualFold(b)
}

// each calls fn with every user of the directory, page by page (500 a
// page when the server supports paging).
func (d *directory) each(fn func(page []*Entry) error) error {
	conn, err := d.connect()
	if err != nil {
		return err
	}
	defer conn.Close()
	paging := ldap.NewControlPaging(500)
	for {
		req := ldap.NewSearchRequest(d.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
			0, 0, false, d.filter("*"), d.attributes(), []ldap.Control{paging})
		res, err := conn.Search(req)
		if err != nil {
			return d.unavailable("search users", err)
		}
		page := make([]*Entry, 0, len(res.Entries))
		for _, e := range res.Entries {
			page = append(page, d.entry(e))
		}
		if err := fn(page); err != nil {
			return err
		}
		ctrl, ok := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging)
		if !ok || len(ctrl.Cookie) == 0 {
			return nil
		}
		paging.SetCookie(ctrl.Cookie)
	}
}
