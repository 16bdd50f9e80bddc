package netguard_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"guichet/netguard"
)

// fakeResolver answers from a fixed table.
type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, s := range f[host] {
		out = append(out, netip.MustParseAddr(s))
	}
	if len(out) == 0 {
		return nil, errors.New("no such host")
	}
	return out, nil
}

func TestForbiddenAddresses(t *testing.T) {
	cases := []struct {
		ip        string
		forbidden bool
	}{
		{"127.0.0.1", true}, {"127.8.9.10", true}, {"::1", true},
		{"10.1.2.3", true}, {"172.16.0.1", true}, {"192.168.1.1", true}, {"fd00::1", true},
		{"169.254.169.254", true}, {"fe80::1", true},
		{"224.0.0.1", true}, {"ff02::1", true},
		{"0.0.0.0", true}, {"::", true}, {"0.1.2.3", true}, {"255.255.255.255", true},
		{"100.64.0.1", true}, {"::ffff:127.0.0.1", true}, {"::ffff:10.0.0.1", true},
		{"93.184.215.14", false}, {"2606:2800:21f:cb07:6820:80da:af6b:8b2c", false}, {"8.8.8.8", false},
	}
	for _, tc := range cases {
		name := tc.ip + " is allowed"
		if tc.forbidden {
			name = tc.ip + " is forbidden"
		}
		t.Run(name, func(t *testing.T) {
			if got := netguard.Forbidden(netip.MustParseAddr(tc.ip)); got != tc.forbidden {
				t.Fatalf("Forbidden(%s) = %v", tc.ip, got)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	r := fakeResolver{
		"hooks.example.org":  {"93.184.215.14"},
		"rebind.example.org": {"93.184.215.14", "10.0.0.7"},
		"localhost":          {"127.0.0.1", "::1"},
	}
	cases := []struct {
		name         string
		url          string
		allowPrivate bool
		want         error
	}{
		{"a public https URL is accepted", "https://hooks.example.org/guichet", false, nil},
		{"a public IP literal is accepted", "http://93.184.215.14:8080/x", false, nil},
		{"another scheme is refused", "ftp://hooks.example.org/", false, netguard.ErrScheme},
		{"a URL without host is refused", "https:///x", false, netguard.ErrScheme},
		{"credentials in the URL are refused", "https://user:pw@hooks.example.org/", false, netguard.ErrScheme},
		{"a loopback literal is refused", "http://127.0.0.1:9000/hook", false, netguard.ErrForbidden},
		{"an IPv6 loopback literal is refused", "http://[::1]/hook", false, netguard.ErrForbidden},
		{"the cloud metadata address is refused", "http://169.254.169.254/latest/meta-data", false, netguard.ErrForbidden},
		{"localhost is refused through its resolution", "http://localhost:8080/", false, netguard.ErrForbidden},
		{"a name with one private address among public ones is refused", "https://rebind.example.org/", false, netguard.ErrForbidden},
		{"an unknown name is refused", "https://nowhere.example.org/", false, netguard.ErrUnresolved},
		{"a loopback receiver is accepted when private targets are allowed", "http://127.0.0.1:9000/hook", true, nil},
		{"the scheme is still checked when private targets are allowed", "gopher://127.0.0.1/", true, netguard.ErrScheme},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := netguard.CheckURL(context.Background(), tc.url, tc.allowPrivate, r)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("CheckURL(%q) = %v, want %v", tc.url, err, tc.want)
			}
		})
	}
}

func TestClientRefusesToConnectToTheInternalNetwork(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/ok", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)

	t.Run("a loopback receiver is not connected to by default, whatever the URL check said", func(t *testing.T) {
		_, err := netguard.Client(5*time.Second, false).Post(srv.URL+"/ok", "application/json", nil)
		if !errors.Is(err, netguard.ErrForbidden) {
			t.Fatalf("err = %v, want ErrForbidden", err)
		}
	})
	t.Run("a loopback receiver is reached when private targets are allowed", func(t *testing.T) {
		resp, err := netguard.Client(5*time.Second, true).Post(srv.URL+"/ok", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("a redirect is not followed", func(t *testing.T) {
		resp, err := netguard.Client(5*time.Second, true).Post(srv.URL+"/redirect", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("status %d, want the 302 itself", resp.StatusCode)
		}
	})
}
