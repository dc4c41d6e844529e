// Package secrets holds the cross-package test that no secret is ever printed or returned:
// neither a token, nor a secret key, nor a signature made with one, by the client, the emulator
// or the command, in errors, logs at debug level, printed values or help. For that test and the
// command's (which, being package main, has its own), it provides Recorder, a listener that
// keeps what clients send, to find the signatures and tokens that went over the wire, and
// Leaks.
//
// It is test support: nothing outside tests imports it.
package secrets

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Recorder is a loopback net.Listener that keeps every byte read from the connections it
// accepts: the requests as a server receives them, headers and all.
type Recorder struct {
	net.Listener

	mu   sync.Mutex
	seen bytes.Buffer
}

// Listen returns a Recorder on a free loopback port.
func Listen(ctx context.Context) (*Recorder, error) {
	l, err := new(net.ListenConfig).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &Recorder{Listener: l}, nil
}

// Accept accepts a connection whose reads the Recorder keeps.
func (r *Recorder) Accept() (net.Conn, error) {
	c, err := r.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &recordedConn{Conn: c, r: r}, nil
}

// URL is the base URL of the listener, http://127.0.0.1:<port>.
func (r *Recorder) URL() string { return "http://" + r.Addr().String() }

// signaturePattern finds the signature of an SDK-HMAC-SHA256 Authorization header.
var signaturePattern = regexp.MustCompile(`Signature=([0-9a-f]{64})`)

// Signatures returns the distinct signatures the requests received so far carried.
func (r *Recorder) Signatures() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var sigs []string
	for _, m := range signaturePattern.FindAllStringSubmatch(r.seen.String(), -1) {
		sigs = append(sigs, m[1])
	}
	slices.Sort(sigs)
	return slices.Compact(sigs)
}

// tokenPattern finds the value of an X-Auth-Token header (in any case, as HTTP/1.1 allows).
var tokenPattern = regexp.MustCompile(`(?i)\r\nX-Auth-Token: *([^\r\n]+)`)

// Tokens returns the distinct X-Auth-Token values the requests received so far carried: the
// tokens a server issued and a client then sent, which a test cannot know otherwise.
func (r *Recorder) Tokens() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var tokens []string
	for _, m := range tokenPattern.FindAllStringSubmatch(r.seen.String(), -1) {
		tokens = append(tokens, strings.TrimSpace(m[1]))
	}
	slices.Sort(tokens)
	return slices.Compact(tokens)
}

// Received reports whether some request received so far contains s.
func (r *Recorder) Received(s string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Contains(r.seen.String(), s)
}

type recordedConn struct {
	net.Conn
	r *Recorder
}

func (c *recordedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.r.mu.Lock()
	c.r.seen.Write(p[:n])
	c.r.mu.Unlock()
	return n, err
}

// Leaks returns those of secrets that text contains.
func Leaks(text string, secrets ...string) []string {
	var found []string
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			found = append(found, s)
		}
	}
	return found
}
