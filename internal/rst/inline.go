package rst

import (
	"regexp"
	"strings"
)

// Ref is a cross-reference written with the :ref: role.
type Ref struct {
	// Text is the link text (empty for :ref:`target`, which shows the target's title).
	Text string
	// Target is the label the reference points at.
	Target string
}

var (
	roleRe     = regexp.MustCompile(":([A-Za-z0-9_.+-]+):`([^`]*)`")
	hyperRe    = regexp.MustCompile("`([^`]+)`__?")
	literalRe  = regexp.MustCompile("``([^`]+)``")
	strongRe   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	emphasisRe = regexp.MustCompile(`\*([^*\s][^*]*)\*`)
	explicitRe = regexp.MustCompile(`^(?s)(.*?)\s*<([^<>]*)>$`)
	bulletRe   = regexp.MustCompile(`^[-*+•]( +|$)`)
)

// splitExplicit splits "text <target>" into its parts; for anything else it returns s as the
// target and an empty text.
func splitExplicit(s string) (text, target string) {
	if m := explicitRe.FindStringSubmatch(s); m != nil && m[1] != "" {
		return m[1], m[2]
	}
	return "", s
}

// Refs returns the :ref: cross-references in s, in order.
func Refs(s string) []Ref {
	var refs []Ref
	for _, m := range roleRe.FindAllStringSubmatch(s, -1) {
		if m[1] != "ref" {
			continue
		}
		text, target := splitExplicit(m[2])
		refs = append(refs, Ref{Text: text, Target: strings.TrimSpace(target)})
	}
	return refs
}

// Plain returns s without inline markup: roles (:ref:`text <target>` gives text, :role:`x`
// gives x), hyperlink references, inline literals, strong and emphasis. Blanks and line breaks
// are kept as they are.
func Plain(s string) string {
	s = roleRe.ReplaceAllStringFunc(s, func(m string) string {
		inner := roleRe.FindStringSubmatch(m)[2]
		if text, _ := splitExplicit(inner); text != "" {
			return text
		}
		return inner
	})
	s = literalRe.ReplaceAllString(s, "$1")
	s = hyperRe.ReplaceAllStringFunc(s, func(m string) string {
		inner := hyperRe.FindStringSubmatch(m)[1]
		if text, _ := splitExplicit(inner); text != "" {
			return text
		}
		return inner
	})
	s = strongRe.ReplaceAllString(s, "$1")
	return emphasisRe.ReplaceAllString(s, "$1")
}

// Paragraphs splits the text of a cell into its blocks: paragraphs (separated by empty lines)
// and bullet list items (a line starting with "-", "*", "+" or "•" and a blank starts a new
// item, even without an empty line before it). The lines of a block are trimmed and joined
// with single spaces; a bullet item keeps its marker, normalised to "- ". Markup is kept.
func Paragraphs(cell string) []string {
	var (
		blocks []string
		cur    []string
	)
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, l := range strings.Split(cell, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			flush()
			continue
		}
		if loc := bulletRe.FindStringIndex(l); loc != nil {
			flush()
			l = "- " + l[loc[1]:]
		}
		cur = append(cur, l)
	}
	flush()
	return blocks
}

// Bullets returns the bullet list items of a cell (see Paragraphs), without their markers.
func Bullets(cell string) []string {
	var items []string
	for _, b := range Paragraphs(cell) {
		if item, ok := strings.CutPrefix(b, "- "); ok {
			items = append(items, item)
		}
	}
	return items
}
