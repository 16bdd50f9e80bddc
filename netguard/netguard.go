// Package netguard keeps outgoing HTTP requests made on behalf of users
// (webhook deliveries) out of the internal network: a URL must be http or
// https and its host must not resolve to a loopback, private, link-local,
// multicast or unspecified address (server-side request forgery). The
// check runs twice: when a URL is accepted (CheckURL) and on every
// connection (Client's dialer), since DNS may answer differently later.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Errors of CheckURL and of the guarded dialer.
var (
	// ErrScheme: the URL is not http(s), or has no host.
	ErrScheme = errors.New("netguard: not an http or https URL")
	// ErrForbidden: the host is, or resolves to, an address of the
	// internal network.
	ErrForbidden = errors.New("netguard: address of the internal network")
	// ErrUnresolved: the host name does not resolve.
	ErrUnresolved = errors.New("netguard: host name not found")
)

// Resolver looks host names up; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// sharedAddressSpace is 100.64.0.0/10 (carrier-grade NAT, RFC 6598): not
// public either, though netip does not call it private.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// thisNetwork is 0.0.0.0/8 ("this host on this network", RFC 1122):
// Linux connects 0.x.y.z to the local host.
var thisNetwork = netip.MustParsePrefix("0.0.0.0/8")

// Forbidden reports whether ip belongs to the internal network as far as
// outgoing user-driven requests go: loopback, private (RFC 1918, fc00::/7,
// 100.64/10), link-local, multicast, unspecified (and 0/8), broadcast.
// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
func Forbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid(),
		ip.IsLoopback(),
		ip.IsPrivate(),
		ip.IsLinkLocalUnicast(),
		ip.IsLinkLocalMulticast(),
		ip.IsInterfaceLocalMulticast(),
		ip.IsMulticast(),
		ip.IsUnspecified():
		return true
	case ip.Is4() && (sharedAddressSpace.Contains(ip) || thisNetwork.Contains(ip) || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255})):
		return true
	}
	return false
}

// CheckURL accepts raw if it is an http(s) URL with a host that, with
// allowPrivate false, is not and does not resolve to a Forbidden address
// (every address the name resolves to is checked). r nil uses
// net.DefaultResolver. Errors wrap ErrScheme, ErrForbidden or
// ErrUnresolved.
func CheckURL(ctx context.Context, raw string, allowPrivate bool, r Resolver) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return fmt.Errorf("%w: %q", ErrScheme, raw)
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if Forbidden(ip) {
			return fmt.Errorf("%w: %s", ErrForbidden, ip)
		}
		return nil
	}
	if r == nil {
		r = net.DefaultResolver
	}
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil || len(ips) == 0 {
		return fmt.Errorf("%w: %s", ErrUnresolved, host)
	}
	for _, ip := range ips {
		if Forbidden(ip) {
			return fmt.Errorf("%w: %s resolves to %s", ErrForbidden, host, ip.Unmap())
		}
	}
	return nil
}

// Control is a net.Dialer Control hook refusing connections to Forbidden
// addresses (unless allowPrivate). It runs after name resolution, on the
// very address connected to, so a name that changed its answer since
// CheckURL is still caught.
func Control(allowPrivate bool) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrForbidden, address)
		}
		if Forbidden(ap.Addr()) {
			return fmt.Errorf("%w: %s", ErrForbidden, ap.Addr().Unmap())
		}
		return nil
	}
}

// Client returns an HTTP client for user-given URLs: its dialer refuses
// Forbidden addresses (unless allowPrivate), it ignores proxy settings
// (a proxy would connect for us, out of the dialer's sight) and follows no
// redirect (a 3xx answer is returned as is). timeout bounds a whole
// request. Connections are not kept alive: each request dials (and is
// checked) anew, and a client dropped after use leaves nothing open.
func Client(timeout time.Duration, allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: Control(allowPrivate)}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		DisableKeepAlives:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Timeout:       timeout,
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
