// Package signer implements the AK/SK request signature of the Huawei Cloud and Open Telekom
// Cloud API Gateway, SDK-HMAC-SHA256: package client signs every request with Sign (or the
// RequestEditor form plugged into the generated client), and the emulator checks them with
// Verify. Both sides share one canonical form, so what one produces the other accepts.
//
// The signature is computed the way the official SDKs (huaweicloud-sdk-go-v3 core/auth/signer
// and the API Gateway "SdkDemo" signer) compute it:
//
//	CanonicalRequest = Method + "\n" +
//	                   CanonicalURI + "\n" +        each path segment percent-encoded, "/" appended
//	                   CanonicalQuery + "\n" +      k=v pairs escaped, sorted by key then value
//	                   CanonicalHeaders + "\n" +    "name:trimmed value\n" per signed header value
//	                   SignedHeaders + "\n" +       lower-case names, sorted, joined by ";"
//	                   hex(SHA-256(body))
//	StringToSign     = "SDK-HMAC-SHA256\n" + X-Sdk-Date + "\n" + hex(SHA-256(CanonicalRequest))
//	Signature        = hex(HMAC-SHA256(secret key, StringToSign))
//	Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<signature>
//
// Percent-encoding keeps only A-Z a-z 0-9 - _ . ~ and writes everything else as %XX in upper
// case. X-Sdk-Date is the UTC time as 20060102T150405Z. Since path and query are decoded
// before they are encoded again, requests that differ only in how they are encoded sign alike
// ("%7E" and "~", "+" and "%20" in a query), and so, by the algorithm's design, do a path with
// and without its trailing slash, and a query key with and without an empty "=".
//
// Which headers are signed: every header in req.Header except Content-Type (the SDK skips
// names starting with "content-type"), names containing "_" (gateways drop such headers) and
// Authorization itself. Host is signed only when the caller puts a Host key in req.Header, as
// with the SDK, whose header map never holds the host on its own: that is why the published
// test vectors sign nothing but x-sdk-date. Its value is then the host the transport sends
// (req.Host, else req.URL.Host), since Go's transport ignores req.Header["Host"] and Go's
// server moves the header to r.Host.
//
// Where this package departs from the SDK, it is to keep signer and verifier in agreement about
// the request as it travels over HTTP; each departure only concerns requests the SDK cannot
// send correctly itself:
//   - The path is read escaped, as written on the wire (url.URL.EscapedPath), split on "/",
//     and each segment decoded and re-encoded. An encoded slash (%2F) therefore stays inside
//     its segment, where the SDK, reading the decoded path, would take it for a separator.
//   - The query is split by hand rather than with url.ParseQuery, which silently drops pairs
//     with a ";" or a bad escape: dropped pairs would be sent but not signed.
//   - Several values of one header are sorted after trimming, as the server sees them.
//   - Sign always stamps X-Sdk-Date with the time it is given (see Sign).
//
// What the signature does not cover, by the algorithm's design (shared with the SDK):
//   - Header values are trimmed with strings.TrimSpace, as the SDK trims them, so white space
//     around a value, Unicode spaces such as U+00A0 included, can change in transit unnoticed;
//     so can headers that are not signed, and a request can be replayed while its X-Sdk-Date
//     is within the allowed skew.
//   - A query key or value whose percent-escape is invalid is signed as it is written, as its
//     %25-escaped form would be; Go's url.ParseQuery drops such a pair, so a server using it
//     may not see a pair that was signed. Send valid escapes.
//   - Headers Go's transport rewrites are signed as set, not as sent: an empty or repeated
//     User-Agent, a lower-case "user-agent" or "accept-encoding" key, or an empty
//     Accept-Encoding make the signature fail to verify. Set such headers once, canonically
//     spelled and non-empty (package client does).
package signer
