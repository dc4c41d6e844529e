package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// specFile names the spec in findings about the spec itself.
const specFile = "openapi/cssvpcep.yaml"

// deviation is one entry of the spec's x-doc-deviations list.
type deviation struct {
	ID         string `json:"id"`
	Pointer    string `json:"pointer"`
	Aspect     string `json:"aspect"`
	Documented string `json:"documented"`
	Decision   string `json:"decision"`
}

// The aspects a finding can have. A deviation with one of these aspects must cover at least
// one finding: one that covers none is itself a finding, so that a deviation cannot outlive
// what it allows, nor be written with a pointer or an aspect that matches nothing.
var comparedAspects = []string{
	aspectPresence, aspectIn, aspectType, aspectRequired, aspectEnum, aspectMinimum, aspectMaximum,
	aspectDefault, aspectNullable, aspectFormat, aspectPattern, aspectItems, aspectMaxLength, aspectResponse,
	aspectPath, aspectTable, aspectExample,
}

// uncomparedAspects are the aspects of the deviations this checker cannot compare, and why.
// Such a deviation is logged, never matched against findings.
var uncomparedAspects = map[string]string{
	"behaviour":  "what the service does over time or in a state (a task it starts, what it answers when the service is already on or off, a body it may send), which no page states in a form the checker reads",
	"error-body": "the shape of error bodies, which the returned-values page shows only in a code block that documents no operation",
	"casing":     "the key casing of older pages and of the SDKs; the pages in CSS_DOCS_DIR all use the spec's snake_case",
}

// aspectDeviation marks a finding about x-doc-deviations itself; no deviation covers it.
const aspectDeviation = "deviation"

// cover sets dev on every finding an x-doc-deviations entry covers (same aspect, and the
// entry's pointer is one of the finding's pointers) and adds a finding for every entry whose
// aspect is unknown, or is compared and covers nothing.
func (c *checker) cover(devs []deviation) {
	used := map[string]int{}
	for i, m := range c.out {
		if m.aspect == aspectDeviation {
			continue
		}
		for _, d := range devs {
			if d.Aspect == m.aspect && slices.Contains(m.ptrs, d.Pointer) {
				c.out[i].dev = d.ID
				used[d.ID]++
				break
			}
		}
	}
	for _, d := range devs {
		_, uncompared := uncomparedAspects[d.Aspect]
		switch {
		case uncompared:
		case !slices.Contains(comparedAspects, d.Aspect):
			c.add(specFinding(d.ID, fmt.Sprintf("aspect %q is neither one the checker compares (%s) nor one it declares it cannot (%s)",
				d.Aspect, strings.Join(comparedAspects, ", "), strings.Join(slices.Sorted(maps.Keys(uncomparedAspects)), ", "))))
		case used[d.ID] == 0:
			c.add(specFinding(d.ID, fmt.Sprintf("covers no finding of the check (aspect %s at %s): "+
				"the spec now agrees with the pages there, or the pointer or aspect is wrong", d.Aspect, d.Pointer)))
		}
	}
}

// specFinding is a finding about the x-doc-deviations entry id.
func specFinding(id, what string) mismatch {
	return mismatch{page: specFile, table: "x-doc-deviations", name: id, aspect: aspectDeviation, doc: "-", spec: what}
}

// readDeviations returns the entries of the spec's x-doc-deviations list, and a finding for
// each entry that is incomplete, repeats an id, or whose pointer leads nowhere.
func readDeviations(doc *openapi3.T) (devs []deviation, problems []mismatch) {
	bad := func(id, what string) { problems = append(problems, specFinding(id, what)) }
	raw, ok := doc.Extensions["x-doc-deviations"]
	if !ok {
		return nil, nil
	}
	b, err := json.Marshal(raw)
	if err == nil {
		err = json.Unmarshal(b, &devs)
	}
	if err != nil {
		bad("(list)", "x-doc-deviations is not a list of {id, pointer, aspect, documented, decision}: "+err.Error())
		return nil, problems
	}
	specJSON, err := json.Marshal(doc)
	var tree any
	if err == nil {
		err = json.Unmarshal(specJSON, &tree)
	}
	if err != nil {
		bad("(list)", "cannot resolve pointers: "+err.Error())
		return devs, problems
	}
	seen := map[string]bool{}
	defer func() {
		// Every deviation a description of the spec names must exist, so that no text points
		// readers at a decision that was dropped or renamed.
		for _, id := range mentionedDeviations(tree) {
			if !seen[id] {
				bad(id, "a description of the spec names deviation "+id+", which x-doc-deviations does not have")
			}
		}
	}()
	for _, d := range devs {
		switch {
		case d.ID == "" || d.Pointer == "" || d.Aspect == "" || d.Documented == "" || d.Decision == "":
			bad(d.ID, fmt.Sprintf("entry %+v lacks an id, pointer, aspect, documented or decision", d))
		case seen[d.ID]:
			bad(d.ID, "the id is used by an earlier entry too")
		case !resolves(tree, d.Pointer):
			bad(d.ID, "pointer "+d.Pointer+" leads nowhere in the spec")
		}
		seen[d.ID] = true
	}
	return devs, problems
}

// mentionRe finds the deviations a description names: "(deviation update-switch-string)".
var mentionRe = regexp.MustCompile(`\bdeviations? ([a-z0-9]+(?:-[a-z0-9]+)+)`)

// mentionedDeviations returns the ids of the deviations the strings of tree (outside
// x-doc-deviations) name, sorted, each once.
func mentionedDeviations(tree any) []string {
	var ids []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if k != "x-doc-deviations" {
					walk(e)
				}
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case string:
			for _, m := range mentionRe.FindAllStringSubmatch(v, -1) {
				ids = append(ids, m[1])
			}
		}
	}
	walk(tree)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// resolves reports whether the JSON pointer ptr ("#/a/b~1c") leads to a value in tree.
func resolves(tree any, ptr string) bool {
	rest, ok := strings.CutPrefix(ptr, "#")
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	if !strings.HasPrefix(rest, "/") {
		return false
	}
	cur := tree
	for _, tok := range strings.Split(rest[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) || strconv.Itoa(i) != tok {
				return false
			}
			cur = v[i]
		default:
			return false
		}
	}
	return true
}

// escape turns a name into a JSON pointer token.
func escape(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }
