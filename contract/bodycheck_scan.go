package contract

import (
	"encoding/binary"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The scanner of the body check reads JSON as encoding/json's Decoder reads the first value of
// a stream: the same grammar (that of json.Valid), the same nesting limit, and on failure the
// same error, for the first byte in order that the Decoder refuses.

// maxJSONDepth is encoding/json's limit on nesting (scanner.go's maxNestingDepth): the
// 10001st open bracket fails.
const maxJSONDepth = 10000

// scanAbort carries a decoding failure from deep in the scan up to checker.run, which
// recovers it: the failure ends the check, whatever was found before.
type scanAbort struct{ err error }

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func isHex(b byte) bool { return isDigit(b) || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F' }

// ws skips white space.
func (c *checker) ws() {
	for c.pos < len(c.data) && c.data[c.pos] <= ' ' && isSpace(c.data[c.pos]) {
		c.pos++
	}
}

// next skips white space and returns the byte there; the body must not end there.
func (c *checker) next() byte {
	c.ws()
	if c.pos >= len(c.data) {
		c.unexpectedEOF()
	}
	return c.data[c.pos]
}

// syntaxErr fails on the byte at pos, as encoding/json's scanner does (scanner.go, s.error).
func (c *checker) syntaxErr(context string) {
	panic(scanAbort{&jsonSyntaxError{msg: "invalid character " + quoteChar(c.data[c.pos]) + " " + context, Offset: c.pos}})
}

// unexpectedEOF fails a body that ends inside its first value: the Decoder's io.ErrUnexpectedEOF.
func (c *checker) unexpectedEOF() { panic(scanAbort{io.ErrUnexpectedEOF}) }

// quoteChar quotes a byte as encoding/json's error messages do.
func quoteChar(b byte) string {
	switch b {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	s := strconv.Quote(string(rune(b)))
	return "'" + s[1:len(s)-1] + "'"
}

// valueStart skips white space and returns the first byte of a value, which it checks.
func (c *checker) valueStart() byte {
	var b byte
	if c.pos < len(c.data) && c.data[c.pos] > ' ' {
		b = c.data[c.pos]
	} else {
		b = c.next()
	}
	switch b {
	case '{', '[', '"', '-', 't', 'f', 'n', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return b
	}
	c.syntaxErr("looking for beginning of value")
	return 0
}

// open enters the object or array whose bracket is at pos.
func (c *checker) open() {
	c.depth++
	if c.depth > maxJSONDepth {
		c.syntaxErr("exceeded max depth")
	}
	c.pos++
}

// literal reads true, false or null, whose first byte is at pos.
func (c *checker) literal(lit string) {
	for i := 1; i < len(lit); i++ {
		if c.pos+i >= len(c.data) {
			c.unexpectedEOF()
		}
		if c.data[c.pos+i] != lit[i] {
			c.pos += i
			c.syntaxErr("in literal " + lit + " (expecting " + quoteChar(lit[i]) + ")")
		}
	}
	c.pos += len(lit)
}

// str reads the string whose quote is at pos and returns the bounds of its content. plain
// reports that the content is its own decoding: no escape and valid UTF-8.
func (c *checker) str() (start, end int, plain bool) {
	c.pos++
	start = c.pos
	plain = true
	high := false
	d := c.data
	for {
		// The common bytes, eight at a time, then one at a time.
		i := c.pos
		for i+8 <= len(d) && !stops8(binary.LittleEndian.Uint64(d[i:])) {
			i += 8
		}
		for i < len(d) && !strStop[d[i]] {
			i++
		}
		c.pos = i
		if i >= len(d) {
			c.unexpectedEOF()
		}
		switch b := d[i]; {
		case b == '"':
			c.pos++
			if high && plain && !utf8.Valid(d[start:i]) {
				plain = false
			}
			return start, i, plain
		case b == '\\':
			plain = false
			c.escape()
		case b < 0x20:
			c.syntaxErr("in string literal")
		default:
			high = true
			c.pos++
		}
	}
}

// strStop marks the bytes a string's scan stops at: a quote, a backslash, a control byte, or
// the first byte of a multi-byte UTF-8 sequence.
var strStop = func() (t [256]bool) {
	for b := range 256 {
		t[b] = b == '"' || b == '\\' || b < 0x20 || b >= 0x80
	}
	return t
}()

// stops8 reports whether one of the eight bytes of x is one strStop marks. (v-ones &^ v has
// the high bit of a byte set if that byte of v is zero, or if a lower one is: the first byte
// marked is exact, and there is one whenever a byte is zero; likewise for x-0x20… and the
// bytes below 0x20, among bytes below 0x80.)
func stops8(x uint64) bool {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	q, b := x^(ones*'"'), x^(ones*'\\')
	return (x|(q-ones)&^q|(b-ones)&^b|(x-ones*0x20)&^x)&high != 0
}

// escape reads the escape sequence whose backslash is at pos.
func (c *checker) escape() {
	c.pos++
	if c.pos >= len(c.data) {
		c.unexpectedEOF()
	}
	switch c.data[c.pos] {
	case 'b', 'f', 'n', 'r', 't', '\\', '/', '"':
		c.pos++
	case 'u':
		c.pos++
		for range 4 {
			if c.pos >= len(c.data) {
				c.unexpectedEOF()
			}
			if !isHex(c.data[c.pos]) {
				c.syntaxErr("in \\u hexadecimal character escape")
			}
			c.pos++
		}
	default:
		c.syntaxErr("in string escape code")
	}
}

// num reads the number that starts at pos. What follows it is the caller's to check: at the
// top level anything may (the Decoder stops there), inside an array or object only white
// space, a comma or the closing bracket.
func (c *checker) num() (start, end int) {
	d := c.data
	start = c.pos
	i := c.pos
	digits := func(i int) int {
		for i < len(d) && isDigit(d[i]) {
			i++
		}
		return i
	}
	if d[i] == '-' {
		i++
		if i >= len(d) {
			c.unexpectedEOF()
		}
		if !isDigit(d[i]) {
			c.pos = i
			c.syntaxErr("in numeric literal")
		}
	}
	if d[i] == '0' {
		i++
	} else {
		i = digits(i)
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) {
			c.unexpectedEOF()
		}
		if !isDigit(d[i]) {
			c.pos = i
			c.syntaxErr("after decimal point in numeric literal")
		}
		i = digits(i)
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) {
			c.unexpectedEOF()
		}
		if !isDigit(d[i]) {
			c.pos = i
			c.syntaxErr("in exponent of numeric literal")
		}
		i = digits(i)
	}
	c.pos = i
	return start, i
}

// skip reads one value, of any kind, checking its syntax.
func (c *checker) skip() {
	switch c.valueStart() {
	case '{':
		if !c.firstKey() {
			return
		}
		for {
			c.str()
			c.colon()
			c.skip()
			if c.afterMember() {
				return
			}
		}
	case '[':
		c.open()
		if c.next() == ']' {
			c.pos++
			c.depth--
			return
		}
		for {
			c.skip()
			if c.afterItem() {
				return
			}
		}
	case '"':
		c.str()
	case 't':
		c.literal("true")
	case 'f':
		c.literal("false")
	case 'n':
		c.literal("null")
	default:
		c.num()
	}
}

// afterMember reads what follows an object member: a comma (and the next key's quote, which it
// checks and leaves at pos) or the closing brace, for which it reports true.
func (c *checker) afterMember() bool {
	if c.pos+1 < len(c.data) && c.data[c.pos] == ',' && c.data[c.pos+1] == '"' {
		c.pos++
		return false
	}
	switch c.next() {
	case ',':
		c.pos++
		c.next()
		c.keyQuote()
		return false
	case '}':
		c.pos++
		c.depth--
		return true
	}
	c.syntaxErr("after object key:value pair")
	return false
}

// afterItem reads what follows an array item: a comma, or the closing bracket, for which it
// reports true.
func (c *checker) afterItem() bool {
	switch c.next() {
	case ',':
		c.pos++
		return false
	case ']':
		c.pos++
		c.depth--
		return true
	}
	c.syntaxErr("after array element")
	return false
}

// firstKey reads past the brace of an object and reports whether a member follows (its key's
// quote then at pos, checked).
func (c *checker) firstKey() bool {
	c.open()
	if c.next() == '}' {
		c.pos++
		c.depth--
		return false
	}
	c.keyQuote()
	return true
}

// keyQuote checks that a key starts at pos.
func (c *checker) keyQuote() {
	if c.data[c.pos] != '"' {
		c.syntaxErr("looking for beginning of object key string")
	}
}

// colon reads the colon after a key.
func (c *checker) colon() {
	if c.pos < len(c.data) && c.data[c.pos] == ':' {
		c.pos++
		return
	}
	if c.next() != ':' {
		c.syntaxErr("after object key")
	}
	c.pos++
}

// appendUnquoted appends to dst the decoding of s, the checked content of a JSON string, as
// encoding/json decodes it: escapes resolved, and invalid UTF-8 and lone or broken surrogate
// escapes each turned into U+FFFD.
func appendUnquoted(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		b := s[i]
		switch {
		case b == '\\':
			switch s[i+1] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(s[i+2:])
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						r2 = hex4(s[i+2:])
					}
					if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
						dst = utf8.AppendRune(dst, pair)
						i += 6
						continue
					}
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default: // '"', '\\', '/'
				dst = append(dst, s[i+1])
			}
			i += 2
		case b < utf8.RuneSelf:
			dst = append(dst, b)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			dst = utf8.AppendRune(dst, r)
			i += size
		}
	}
	return dst
}

// hex4 is the value of the four hexadecimal digits s starts with (the scan checked them).
func hex4(s []byte) rune {
	var r rune
	for _, b := range s[:4] {
		switch {
		case b <= '9':
			b -= '0'
		case b >= 'a':
			b -= 'a' - 10
		default:
			b -= 'A' - 10
		}
		r = r<<4 | rune(b)
	}
	return r
}
