// Package conformance holds no code of its own: it exists for its test, which reads the API
// reference pages (RST) of the VPC endpoint operations and of "Querying Cluster Details" from
// the directory named by CSS_DOCS_DIR and checks the committed spec, openapi/cssvpcep.yaml,
// against them. One table in the test (docPages) names every page and the operation it
// documents; every operation of the spec must be in it.
//
// For each page the test follows the spec's $refs (parameters, request bodies, responses and
// schemas in components) and compares:
//
//   - the URI line with the operation's method, path and operationId;
//   - every path, query and header parameter: presence, location, Mandatory, type, value
//     range, default and enumeration;
//   - every request body table (grid or simple): each field's presence, Mandatory (against
//     required), type (including "Array of strings"), enumeration, pattern and length, and
//     whether the body itself is required;
//   - every response body table, and the tables its :ref:s lead to, the same way;
//   - "None" under Request Parameters or under a status code of Response Parameters, against
//     a spec without that body;
//   - documented time layouts against the spec's pattern or format, which must accept the
//     layout and nothing more (no zone, no fractional seconds the layout lacks), and "the
//     default value is null" against nullable;
//   - the Status Codes table against the operation's responses;
//   - the example request body and example responses against the spec's examples (equal as
//     JSON);
//   - on today's pages, the other way round too: every parameter, property, response and body
//     of the spec must be documented, and the spec may not add what the page does not say: a
//     required property in a table without a Mandatory column, null, a pattern, a length.
//
// Where the spec departs from the pages on purpose, the spec says so in its top-level
// x-doc-deviations list (pointer + aspect); a deviation allows the findings with its aspect
// that point at its pointer. A deviation of an aspect the test compares must allow at least
// one finding, else it is itself a finding; a deviation of an aspect the test cannot compare
// (behaviour, error-body, casing) is logged. So the test passes with exactly the listed
// deviations, each of them needed.
//
//	CSS_DOCS_DIR=../shared/docs go test ./internal/conformance
//
// A relative CSS_DOCS_DIR is taken relative to the module root. Without CSS_DOCS_DIR the test
// skips, except in CI (CI=true), where it fails.
package conformance
