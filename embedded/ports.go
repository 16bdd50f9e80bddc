package embedded

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// AddrInUseError reports that an address the embedded stack must listen on is already taken,
// most often by another `guichet dev` or a `temporal server start-dev`.
type AddrInUseError struct {
	// Role names what wanted the address, e.g. "Temporal gRPC" or "Temporal UI".
	Role string
	// Addr is the host:port that could not be bound.
	Addr string
	// Err is the underlying listen error.
	Err error
}

// Error is printed by `guichet dev` as is, hence in French.
func (e *AddrInUseError) Error() string {
	return fmt.Sprintf("embedded: l'adresse %s (%s) est déjà utilisée ou indisponible : %v", e.Addr, e.Role, e.Err)
}

// Unwrap returns the listen error.
func (e *AddrInUseError) Unwrap() error { return e.Err }

// endpoint is a resolved listen address.
type endpoint struct {
	bindIP string // IP to bind on, e.g. 127.0.0.1 or 0.0.0.0
	port   int
}

// addr returns the address to bind on.
func (e endpoint) addr() string { return net.JoinHostPort(e.bindIP, strconv.Itoa(e.port)) }

// dialAddr returns an address a local client can connect to: an unspecified bind IP
// (0.0.0.0, ::) is reached through the loopback.
func (e endpoint) dialAddr() string {
	ip := net.ParseIP(e.bindIP)
	if ip.IsUnspecified() {
		if ip.To4() != nil {
			return net.JoinHostPort("127.0.0.1", strconv.Itoa(e.port))
		}
		return net.JoinHostPort("::1", strconv.Itoa(e.port))
	}
	return e.addr()
}

// parseEndpoint splits host:port; the host must be an IP literal or "localhost" (the server
// binds on IPs only), an empty host means 127.0.0.1. Port 0 is kept: reserve picks one.
func parseEndpoint(role, hostPort string) (endpoint, error) {
	host, portStr, err := net.SplitHostPort(hostPort)
	if err != nil {
		return endpoint{}, fmt.Errorf("embedded: %s address %q: %w", role, hostPort, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return endpoint{}, fmt.Errorf("embedded: %s address %q: invalid port", role, hostPort)
	}
	switch host {
	case "", "localhost":
		host = "127.0.0.1"
	}
	if net.ParseIP(host) == nil {
		return endpoint{}, fmt.Errorf("embedded: %s address %q: host must be an IP address or localhost", role, hostPort)
	}
	return endpoint{bindIP: host, port: port}, nil
}

// reserve checks that the endpoint can be listened on, and picks a free port when its port is
// 0. The check closes its listener before the server binds, so another process could still
// take the port in between; that window is a few milliseconds.
func reserve(role string, e endpoint) (endpoint, error) {
	l, err := net.Listen("tcp", e.addr())
	if err != nil {
		return endpoint{}, &AddrInUseError{Role: role, Addr: e.addr(), Err: err}
	}
	e.port = l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return endpoint{}, fmt.Errorf("embedded: release %s port %d: %w", role, e.port, err)
	}
	return e, nil
}

// reserveLoopbackPorts returns n distinct free ports on 127.0.0.1, held open together so the
// kernel cannot hand the same one out twice, then released for the server to bind.
func reserveLoopbackPorts(n int) (ports []int, err error) {
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			err = errors.Join(err, l.Close())
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("embedded: reserve an internal Temporal port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
