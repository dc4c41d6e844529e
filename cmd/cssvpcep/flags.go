package main

import (
	"errors"
	"flag"
	"fmt"
	"github.com/cssvpcep/cssvpcep/internal/quote"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// newFlagSet returns a flag set that neither prints nor exits: parseFlags reports its errors.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args. It returns help true for -h or --help, and a usage error naming the
// flag for an unknown flag, a missing or wrong value, or an argument left over (no command
// takes positional arguments).
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		return true, nil
	case err != nil:
		return false, &usageError{problems: []string{flagError(err)}}
	case fs.NArg() > 0:
		return false, usagef("unexpected argument %s: this command takes flags only", quote.Value(fs.Arg(0)))
	}
	return false, nil
}

// The messages of package flag, which name flags with a single dash.
var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -(.*)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -(.*)$`)
	flagBadValue  = regexp.MustCompile(`(?s)^invalid (?:boolean )?value "(.*)" for (?:flag )?-([^:]+): (.*)$`)
)

// flagError rewrites an error of package flag in the form of the other usage errors:
// "--limit: 1001 is out of range 1-1000", "unknown flag --x".
func flagError(err error) string {
	msg := err.Error()
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		return "unknown flag " + dashed(m[1])
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return dashed(m[1]) + " needs a value"
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		detail := m[3]
		if strings.HasPrefix(msg, "invalid boolean value") {
			detail = quote.Value(m[1]) + " is not true or false"
		}
		return dashed(m[2]) + ": " + detail
	}
	return msg
}

// dashed writes a flag's name as the usage does: -o, --cluster-id.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// intFlag is an integer flag with a range, whose errors give the range.
type intFlag struct {
	value, min, max int
	set             bool
}

func (f *intFlag) String() string {
	if f == nil {
		return "0"
	}
	return strconv.Itoa(f.value)
}

func (f *intFlag) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	switch {
	case errors.Is(err, strconv.ErrRange):
		return fmt.Errorf("%s is out of range %d-%d", quote.Value(s), f.min, f.max)
	case err != nil:
		return fmt.Errorf("%s is not a whole number", quote.Value(s))
	case n < f.min || n > f.max:
		return fmt.Errorf("%d is out of range %d-%d", n, f.min, f.max)
	}
	f.value, f.set = n, true
	return nil
}

// stringFlag is a string flag that knows whether it was given, so that an explicitly empty
// value is an error rather than a silent fallback to the environment.
type stringFlag struct {
	value string
	set   bool
}

func (f *stringFlag) String() string {
	if f == nil {
		return ""
	}
	return f.value
}

func (f *stringFlag) Set(s string) error {
	f.value, f.set = s, true
	return nil
}

// durationFlag is a duration flag whose error gives an example.
type durationFlag struct{ value time.Duration }

func (f *durationFlag) String() string {
	if f == nil {
		return "0s"
	}
	return f.value.String()
}

func (f *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("%s is not a duration, such as 200ms or 1.5s", quote.Value(s))
	}
	f.value = d
	return nil
}

// fractionFlag is a number from 0 to 1.
type fractionFlag struct{ value float64 }

func (f *fractionFlag) String() string {
	if f == nil {
		return "0"
	}
	return strconv.FormatFloat(f.value, 'g', -1, 64)
}

func (f *fractionFlag) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
		return fmt.Errorf("%s is not a number from 0 to 1", quote.Value(s))
	}
	f.value = v
	return nil
}
