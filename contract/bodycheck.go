package contract

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// A bodyCheck validates JSON bodies against one schema of the spec in a single pass over the
// bytes, without decoding them into maps, and gives the verdicts kin-openapi's ValidateResponse
// gives for a response body (openapi3filter decodes the body with encoding/json and UseNumber,
// then walks it with Schema.VisitJSON(MultiErrors(), VisitAsResponse(), the formats)). It is
// compiled once, read-only afterwards, so one bodyCheck serves any number of goroutines.
type bodyCheck struct {
	root *node
	// needChain is set when some schema declares a writeOnly property: whether a missing required
	// property is excused then depends on the schemas the value is visited through (see
	// checker.chain), which are only tracked when they can matter.
	needChain bool
}

// bodyFormats are the format validators kin-openapi is given per validation (contract's ipv4
// and ipv6, through openapi3.WithStringFormatValidators), looked up before kin-openapi's global
// ones, as kin-openapi does. They are taken as maps, not as SchemaValidationOptions: those are
// opaque functions, from which neither the validators nor any other setting can be read.
type bodyFormats struct {
	strings  map[string]openapi3.StringFormatValidator
	numbers  map[string]openapi3.NumberFormatValidator
	integers map[string]openapi3.IntegerFormatValidator
}

// contractFormats returns the string formats contract has kin-openapi check beyond its global
// registry, the ones loadSpec registers on the document (spec.go): each call builds new
// validators, equal in behaviour to those.
func contractFormats() map[string]openapi3.StringFormatValidator {
	return map[string]openapi3.StringFormatValidator{
		"ipv4": openapi3.NewIPValidator(true),
		"ipv6": openapi3.NewIPValidator(false),
	}
}

// errNotCompiled wraps every reason compileBody refuses a schema: the caller then leaves that
// body to kin-openapi.
var errNotCompiled = errors.New("contract: body check not compiled")

// compileBody compiles the schema of a JSON body once, at spec load. It fails (wrapping
// errNotCompiled) for a schema that uses a keyword or form it does not implement, so that the
// caller falls back to kin-openapi for that body. The schema must be that of an OpenAPI 3.0
// document (kin-openapi validates 3.1 documents with another validator) and resolved, as the
// loader leaves it.
func compileBody(ref *openapi3.SchemaRef, formats bodyFormats) (*bodyCheck, error) {
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("%w: unresolved schema", errNotCompiled)
	}
	if ref.Value.Type.Is(openapi3.TypeString) && ref.Value.Format == "binary" {
		// kin-openapi reads such a body as a file, not as JSON.
		return nil, fmt.Errorf("%w: a binary body", errNotCompiled)
	}
	cp := newCompiler(formats)
	root, err := cp.compile(ref.Value, "#")
	if err != nil {
		return nil, err
	}
	if err := cp.finish(); err != nil {
		return nil, err
	}
	return &bodyCheck{root: root, needChain: cp.anyWriteOnly}, nil
}

// check validates data, one HTTP response body, as kin-openapi would validate it as a response
// with MultiErrors: it returns the first max problems in the order kin-openapi reports them
// (each as problemsOf would turn kin-openapi's error into it), the total number of problems,
// and whether data holds anything but white space after its first JSON value (contract reports
// that separately, as ErrTrailingData). A body that is not JSON, or whose first value is not
// complete, is an error of its own, with encoding/json's Decoder's message (a *jsonSyntaxError,
// io.ErrUnexpectedEOF, or io.EOF for a body of white space), where kin-openapi fails with
// "failed to decode response body"; undecodedProblem describes it.
//
// Beyond data, check holds memory for the nesting depth and for the members of the objects on
// the current path, and for at most max problems whatever the number found.
func (bc *bodyCheck) check(data []byte, max int) (problems []Problem, total int, trailing bool, err error) {
	c := checkers.Get().(*checker)
	defer c.release()
	c.reset(bc, data, max)
	if err := c.run(bc.root); err != nil {
		return nil, 0, false, err
	}
	c.ws()
	if len(c.buf) > 0 {
		problems = append([]Problem(nil), c.buf...)
	}
	return problems, c.total, c.pos < len(c.data), nil
}

// undecodedProblem is the problem contract reports today for a body check's error, as
// responseProblems turns kin-openapi's "failed to decode response body" into it.
func undecodedProblem(err error) Problem {
	return Problem{In: "body", Rule: "cannot be decoded: " + err.Error()}
}

// jsonSyntaxError is a body encoding/json refuses, with the message of its *json.SyntaxError
// (whose message field cannot be set from outside encoding/json).
type jsonSyntaxError struct {
	msg string
	// Offset is the index in the body of the byte at fault.
	Offset int
}

func (e *jsonSyntaxError) Error() string { return e.msg }

// checkers recycles the working state of check (its stacks and scratch buffers).
var checkers = sync.Pool{New: func() any { return new(checker) }}

// maxRetained bounds, in elements, the stacks a pooled checker keeps: a hostile body may have
// grown one far beyond what ordinary bodies need, and the pool would keep that memory forever.
const maxRetained = 1 << 12

func (c *checker) release() {
	c.data, c.bc, c.reasons = nil, nil, nil
	if cap(c.members) > maxRetained || cap(c.arena) > 16*maxRetained || cap(c.scratch) > 16*maxRetained ||
		cap(c.order) > maxRetained || cap(c.hashes) > maxRetained || cap(c.path) > maxRetained || cap(c.canonBuf) > 16*maxRetained ||
		cap(c.chain) > maxRetained || cap(c.buf) > maxRetained {
		return // too large to keep
	}
	// Drop what the last body's problems and bytes left behind.
	clear(c.buf[:cap(c.buf)])
	clear(c.scratch[:cap(c.scratch)])
	clear(c.arena[:cap(c.arena)])
	clear(c.canonBuf[:cap(c.canonBuf)])
	checkers.Put(c)
}

// run validates the body's first value against root, turning a decoding failure (raised deep
// in the scan as a scanAbort panic) into its error.
func (c *checker) run(root *node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(scanAbort)
			if !ok {
				panic(r)
			}
			err = a.err
		}
	}()
	c.ws()
	if c.pos == len(c.data) {
		return io.EOF
	}
	c.visitChild(root)
	return nil
}
