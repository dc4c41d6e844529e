package csserr

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Length", "99")
	WriteService(rec, http.StatusConflict, ObjectExists, `The object already exists: <b>"x"</b>`)
	if rec.Code != http.StatusConflict || rec.Header().Get("Content-Length") != "" ||
		rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%d %v", rec.Code, rec.Header())
	}
	const want = `{"errCode":"CSS.0031","externalMessage":"The object already exists: \u003cb\u003e\"x\"\u003c/b\u003e"}` + "\n"
	if rec.Body.String() != want {
		t.Errorf("body %q, want %q", rec.Body, want)
	}

	rec = httptest.NewRecorder()
	Write(rec, http.StatusUnauthorized, Gateway(GatewayAuth, "no", "abc"))
	if got := rec.Body.String(); got != `{"error_code":"APIGW.0301","error_msg":"no","request_id":"abc"}`+"\n" {
		t.Errorf("gateway body %q", got)
	}
	if g := Gateway(GatewayAuth, "no", ""); g.RequestId != nil {
		t.Errorf("an empty request ID is sent: %+v", g)
	}
}

func TestBounded(t *testing.T) {
	if got := Bounded("/v1.0/p", MaxPath); got != "/v1.0/p" {
		t.Errorf("short: %q", got)
	}
	long := strings.Repeat("a", 1000)
	if got := Bounded(long, MaxPath); len(got) > MaxPath+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("long: %d bytes %q", len(got), got)
	}
}

// Every code is the one the error code page gives, with the status the comment names.
func TestCodes_matchTheErrorCodePage(t *testing.T) {
	// As in internal/conformance: a relative CSS_DOCS_DIR is taken from the module root.
	dir := os.Getenv("CSS_DOCS_DIR")
	if dir == "" {
		dir = "../shared/docs"
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", dir)
	}
	f, err := os.Open(filepath.Join(dir, "current", "error_codes.rst"))
	if err != nil {
		t.Skipf("the docs are not here (set CSS_DOCS_DIR): %v", err)
	}
	defer f.Close()
	page := map[string]string{} // code → status
	row := regexp.MustCompile(`^\|\s*(\d{3})\s*\|\s*(CSS\.\d{4})\s*\|`)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			page[m[2]] = m[1]
		}
	}
	for code, status := range map[string]string{
		BadRequest: "400", BadMethod: "415", ServerFault: "500", Busy: "202", AccessDenied: "403", NoRoute: "404",
		NoObject: "404", ObjectExists: "409", Quota: "400", NoCluster: "404", NotEnabled: "400", ServerError: "500",
	} {
		if page[code] != status {
			t.Errorf("%s: the page gives status %q, the package says %s", code, page[code], status)
		}
	}
}
