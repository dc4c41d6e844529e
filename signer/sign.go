package signer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Sign signs req for the API Gateway: it sets X-Sdk-Date to now (in UTC) and Authorization to
// the SDK-HMAC-SHA256 signature of the request as it will be sent.
//
// Sign always replaces X-Sdk-Date and Authorization, in any spelling, so that calling it again
// on the same request, as a retry does, yields a valid signature for the new time; an
// Authorization header is never itself signed. (The SDK instead keeps an X-Sdk-Date the caller
// set, which would make a retry reuse the first attempt's time; pass that time as now to get
// the SDK's result.)
//
// The body is read through req.GetBody when set, leaving req.Body untouched; otherwise it is
// read from req.Body, which is replaced by an in-memory copy, and GetBody is set so the request
// can be sent again. When the request carries X-Sdk-Content-Sha256 (such as UNSIGNED-PAYLOAD),
// its value stands for the body's hash and the body is not read, as in the SDK (only a
// single such header counts; with several, the body is hashed).
//
// Headers added to req after Sign are not signed, and changing a signed one afterwards
// invalidates the signature: sign last.
func Sign(req *http.Request, creds Credentials, now time.Time) error {
	if creds.secret == nil {
		return errors.New("signer: sign: zero Credentials")
	}
	if req == nil || req.URL == nil {
		return errors.New("signer: sign: request has no URL")
	}
	payloadHash, err := signedPayloadHash(req)
	if err != nil {
		return fmt.Errorf("signer: sign: reading the body: %w", err)
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	deleteFold(req.Header, headerAuthorization)
	deleteFold(req.Header, HeaderDate)
	date := now.UTC().Format(DateLayout)
	req.Header.Set(HeaderDate, date)

	signed := signedHeaderNames(req.Header)
	canonical := canonicalRequest(messageOf(req), signed, payloadHash)
	sig := signature(creds.secret(), date, canonical)
	req.Header.Set(headerAuthorization, fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%x",
		Algorithm, creds.accessKey, strings.Join(signed, ";"), sig))
	return nil
}

// signedHeaderNames picks the headers to sign, as the SDK does (see the package doc), sorted
// and lower-case.
func signedHeaderNames(h http.Header) []string {
	names := make([]string, 0, len(h))
	for k, vs := range h {
		name := strings.ToLower(k)
		switch {
		case len(vs) == 0:
			// Nothing is sent for a name without values, so the server could not find it.
		case strings.HasPrefix(name, "content-type"), strings.Contains(name, "_"),
			name == "authorization":
		default:
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// signedPayloadHash returns the hash the canonical request ends with.
func signedPayloadHash(req *http.Request) (string, error) {
	if stated, ok := statedPayloadHash(lowerHeaders(req.Header)); ok {
		return stated, nil
	}
	body, err := readBodyForSigning(req)
	if err != nil {
		return "", err
	}
	return hexSHA256(body), nil
}

func readBodyForSigning(req *http.Request) ([]byte, error) {
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return body, nil
}

// deleteFold removes every spelling of name from h, including ones set directly in the map
// without canonicalization.
func deleteFold(h http.Header, name string) {
	for k := range h {
		if strings.EqualFold(k, name) {
			delete(h, k)
		}
	}
}
