package identity_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
	"github.com/hashicorp/go-hclog"
	"github.com/jimlambrt/gldap"
)

// Test directory layout.
const (
	testBaseDN    = "ou=people,dc=ac-test,dc=fr"
	testGroupsDN  = "ou=groups,dc=ac-test,dc=fr"
	testServiceDN = "cn=guichet,ou=services,dc=ac-test,dc=fr"
	testServicePW = "service-secret"
)

// ldapUser is an entry of the test directory.
type ldapUser struct {
	uid, password string
	attrs         map[string][]string
}

// ldapServer is a real LDAP server (gldap) on a loopback port, holding
// users in memory: simple binds, searches with real filter evaluation,
// LDAPS or StartTLS with a self-signed certificate made for the test.
type ldapServer struct {
	URL       string
	ClientTLS *tls.Config

	mu    sync.Mutex
	users []ldapUser
}

// tlsMode chooses how the test server speaks TLS.
type tlsMode int

const (
	plainLDAP tlsMode = iota // ldap://, StartTLS offered
	ldaps                    // ldaps://
)

// startLDAP starts a directory serving users until the test ends.
func startLDAP(t *testing.T, mode tlsMode, users ...ldapUser) *ldapServer {
	t.Helper()
	serverTLS, clientTLS := selfSignedTLS(t)
	logger := hclog.New(&hclog.LoggerOptions{Level: hclog.Off})
	srv, err := gldap.NewServer(gldap.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	s := &ldapServer{ClientTLS: clientTLS, users: users}
	mux, err := gldap.NewMux()
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(mux.Bind(s.bind))
	must(mux.Search(s.search))
	must(mux.ExtendedOperation(func(w *gldap.ResponseWriter, r *gldap.Request) {
		res := r.NewExtendedResponse(gldap.WithResponseCode(gldap.ResultSuccess))
		res.SetResponseName(gldap.ExtendedOperationStartTLS)
		_ = w.Write(res)
		_ = r.StartTLS(serverTLS)
	}, gldap.ExtendedOperationStartTLS))
	must(srv.Router(mux))

	port := freePort(t)
	var opts []gldap.Option
	scheme := "ldap"
	if mode == ldaps {
		opts = append(opts, gldap.WithTLSConfig(serverTLS))
		scheme = "ldaps"
	}
	go func() { _ = srv.Run(fmt.Sprintf("localhost:%d", port), opts...) }()
	t.Cleanup(func() { _ = srv.Stop() })
	for !srv.Ready() {
		time.Sleep(time.Millisecond)
	}
	s.URL = fmt.Sprintf("%s://localhost:%d", scheme, port)
	return s
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// setUsers replaces the directory's users.
func (s *ldapServer) setUsers(users ...ldapUser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = users
}

func (u ldapUser) dn() string { return "uid=" + u.uid + "," + testBaseDN }

func (s *ldapServer) bind(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewBindResponse(gldap.WithResponseCode(gldap.ResultInvalidCredentials))
	defer func() { _ = w.Write(resp) }()
	m, err := r.GetSimpleBindMessage()
	if err != nil || m.Password == "" {
		return
	}
	if m.UserName == testServiceDN && string(m.Password) == testServicePW {
		resp.SetResultCode(gldap.ResultSuccess)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if strings.EqualFold(u.dn(), m.UserName) && string(m.Password) == u.password {
			resp.SetResultCode(gldap.ResultSuccess)
			return
		}
	}
}

func (s *ldapServer) search(w *gldap.ResponseWriter, r *gldap.Request) {
	done := r.NewSearchDoneResponse(gldap.WithResponseCode(gldap.ResultSuccess))
	defer func() { _ = w.Write(done) }()
	m, err := r.GetSearchMessage()
	if err != nil {
		done.SetResultCode(gldap.ResultProtocolError)
		return
	}
	if !strings.HasSuffix(strings.ToLower(m.BaseDN), "dc=ac-test,dc=fr") {
		done.SetResultCode(gldap.ResultNoSuchObject)
		return
	}
	f, err := ldap.CompileFilter(m.Filter)
	if err != nil {
		done.SetResultCode(gldap.ResultProtocolError)
		return
	}
	s.mu.Lock()
	users := append([]ldapUser(nil), s.users...)
	s.mu.Unlock()
	for _, u := range users {
		attrs := map[string][]string{"uid": {u.uid}, "objectClass": {"inetOrgPerson"}}
		for k, v := range u.attrs {
			attrs[k] = v
		}
		if !matches(f, attrs) {
			continue
		}
		e := r.NewSearchResponseEntry(u.dn())
		for k, v := range attrs {
			e.AddAttribute(k, v)
		}
		_ = w.Write(e)
	}
}

// matches evaluates a compiled filter against attributes (case-insensitive
// names and values): and, or, not, equality, presence, substrings.
func matches(f *ber.Packet, attrs map[string][]string) bool {
	values := func(name string) []string {
		for k, v := range attrs {
			if strings.EqualFold(k, name) {
				return v
			}
		}
		return nil
	}
	switch f.Tag {
	case ldap.FilterAnd:
		for _, c := range f.Children {
			if !matches(c, attrs) {
				return false
			}
		}
		return true
	case ldap.FilterOr:
		for _, c := range f.Children {
			if matches(c, attrs) {
				return true
			}
		}
		return false
	case ldap.FilterNot:
		return !matches(f.Children[0], attrs)
	case ldap.FilterPresent:
		return len(values(f.Data.String())) > 0
	case ldap.FilterEqualityMatch:
		want := f.Children[1].Data.String()
		for _, v := range values(f.Children[0].Data.String()) {
			if strings.EqualFold(v, want) {
				return true
			}
		}
		return false
	case ldap.FilterSubstrings:
		for _, v := range values(f.Children[0].Data.String()) {
			v = strings.ToLower(v)
			ok := true
			for _, part := range f.Children[1].Children {
				p := strings.ToLower(part.Data.String())
				switch part.Tag {
				case ldap.FilterSubstringsInitial:
					ok = ok && strings.HasPrefix(v, p)
				case ldap.FilterSubstringsFinal:
					ok = ok && strings.HasSuffix(v, p)
				default:
					ok = ok && strings.Contains(v, p)
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// selfSignedTLS makes a self-signed certificate for localhost and
// 127.0.0.1: the server's TLS settings, and a client's trusting it.
func selfSignedTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "ldap test"},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
	return server, &tls.Config{RootCAs: pool}
}
