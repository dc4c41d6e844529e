package conformance

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cssvpcep/cssvpcep/internal/rst"
)

// docPages is the one list of the pages the test reads (paths relative to CSS_DOCS_DIR) and
// the operation each documents. Every operation of the spec must be documented by one of them.
// current marks the pages as of today: the reverse checks (everything the spec has, the page
// documents) run only against those; the seed is the 2023 page, which documents less.
var docPages = []struct {
	file        string
	operationID string
	current     bool
}{
	{"seed/css_03_0112.rst", "ShowVpcepConnection", false},
	{"current/obtaining_an_endpoint_connection.rst", "ShowVpcepConnection", true},
	{"current/enabling_the_vpc_endpoint_service.rst", "StartVpecp", true},
	{"current/disabling_the_vpc_endpoint_service.rst", "StopVpecp", true},
	{"current/updating_an_endpoint_connection.rst", "UpdateVpcepConnection", true},
	{"current/modifying_the_vpcep_service_whitelist_of_a_cluster.rst", "UpdateVpcepWhitelist", true},
	{"current/querying_cluster_details.rst", "ShowClusterDetail", true},
}

// The page files that TestCheck_reportsAlteredSpec names in its expectations.
const (
	seedPage      = "seed/css_03_0112.rst"
	currentPage   = "current/obtaining_an_endpoint_connection.rst"
	openPage      = "current/enabling_the_vpc_endpoint_service.rst"
	closePage     = "current/disabling_the_vpc_endpoint_service.rst"
	updatePage    = "current/updating_an_endpoint_connection.rst"
	whitelistPage = "current/modifying_the_vpcep_service_whitelist_of_a_cluster.rst"
	clusterPage   = "current/querying_cluster_details.rst"
)

// page is one parsed API reference page.
type page struct {
	name        string // path under CSS_DOCS_DIR, e.g. "current/obtaining_an_endpoint_connection.rst"
	operationID string // the operation the page documents, from docPages
	current     bool   // the page as of today: the reverse checks (spec ⊆ page) run only against it
	text        string // the page as read
	tables      []rst.Table
	sections    []rst.Section
	code        []rst.CodeBlock
}

// loadPages reads and parses the pages of docPages from CSS_DOCS_DIR. Without CSS_DOCS_DIR the
// test skips, or fails in CI. A table the rst package cannot read fails the test: the check
// would otherwise miss what the table says.
func loadPages(t *testing.T) []page {
	t.Helper()
	dir := os.Getenv("CSS_DOCS_DIR")
	if dir == "" {
		msg := "CSS_DOCS_DIR is not set: set it to the directory holding " + seedPage + " and " + currentPage +
			" (relative paths are taken from the module root), e.g. CSS_DOCS_DIR=../shared/docs"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(moduleRoot(t), dir)
	}
	var pages []page
	for _, d := range docPages {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(d.file)))
		if err != nil {
			t.Fatalf("CSS_DOCS_DIR=%s: %v", os.Getenv("CSS_DOCS_DIR"), err)
		}
		pages = append(pages, parsePage(t, d.file, d.operationID, d.current, string(b)))
	}
	return pages
}

// parsePage parses the text of a page.
func parsePage(t *testing.T, file, operationID string, current bool, text string) page {
	t.Helper()
	tables, err := rst.Parse(text)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return page{name: file, operationID: operationID, current: current, text: text,
		tables: tables, sections: rst.Sections(text), code: rst.CodeBlocks(text)}
}

// loadSpec loads the committed spec from the module's openapi directory.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join(moduleRoot(t), "openapi", "cssvpcep.yaml"))
	if err != nil {
		t.Fatalf("loading the spec: %v", err)
	}
	return doc
}

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}
