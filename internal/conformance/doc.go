// Package conformance holds no code of its own: it exists for its test, which reads the API
// reference pages (RST) of "Obtaining an Endpoint Connection" from the directory named by
// CSS_DOCS_DIR and checks the committed spec, openapi/cssvpcep.yaml, against every parameter,
// response property, value range, default, enumeration and status code the pages document.
//
// Where the spec departs from the pages on purpose, the spec says so in its top-level
// x-doc-deviations list (pointer + aspect); the test accepts exactly those departures.
//
//	CSS_DOCS_DIR=../shared/docs go test ./internal/conformance
//
// A relative CSS_DOCS_DIR is taken relative to the module root. Without CSS_DOCS_DIR the test
// skips, except in CI (CI=true), where it fails.
package conformance
