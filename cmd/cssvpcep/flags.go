package main

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// flagProblem says what is wrong in an error of pflag's parser, in the words of the other usage
// problems: "unknown flag --x", "--limit: 1001 is out of range 1-1000", "--debug: "yes" is not
// true or false". pflag's own texts ("invalid argument "1001" for "--limit" flag: ...") repeat
// the value and name the flag's type; ours name the flag and the problem once.
func flagProblem(err error) string {
	var (
		notExist *pflag.NotExistError
		noValue  *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &notExist):
		// The value of an unknown --token=SECRET is not in the name: pflag cuts at "=".
		if notExist.GetSpecifiedShortnames() != "" {
			return "unknown flag " + flagText("-"+notExist.GetSpecifiedName())
		}
		return "unknown flag " + flagText("--"+notExist.GetSpecifiedName())
	case errors.As(err, &noValue):
		if noValue.GetSpecifiedShortnames() != "" {
			return flagText("-"+noValue.GetSpecifiedName()) + " needs a value"
		}
		return flagText("--"+noValue.GetSpecifiedName()) + " needs a value"
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		if f.Value.Type() == "bool" {
			return "--" + f.Name + ": " + quote.Value(invalid.GetValue()) + " is not true or false"
		}
		return "--" + f.Name + ": " + errors.Unwrap(invalid).Error()
	case errors.As(err, &syntax):
		return "bad flag syntax: " + flagText(syntax.GetSpecifiedFlag())
	}
	return err.Error()
}

// plainFlag is what a flag typed on purpose looks like; anything else is quoted.
var plainFlag = regexp.MustCompile(`^-{1,3}[A-Za-z0-9][A-Za-z0-9_-]{0,62}$`)

// flagText is a flag as the user typed it: as it is when it looks like a flag, quoted (and
// bounded) when it holds anything else, such as a line break or a whole file.
func flagText(s string) string {
	if plainFlag.MatchString(s) {
		return s
	}
	return quote.Value(s)
}

// intFlag is an integer flag with a range, whose errors give the range.
type intFlag struct {
	value, min, max int
	set             bool
}

func (f *intFlag) String() string { return strconv.Itoa(f.value) }

func (f *intFlag) Type() string { return "int" }

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

func (f *stringFlag) String() string { return f.value }

func (f *stringFlag) Type() string { return "string" }

func (f *stringFlag) Set(s string) error {
	f.value, f.set = s, true
	return nil
}

// durationFlag is a duration flag whose error gives an example.
type durationFlag struct {
	value time.Duration
	set   bool
}

func (f *durationFlag) String() string { return f.value.String() }

func (f *durationFlag) Type() string { return "duration" }

func (f *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("%s is not a duration, such as 200ms or 1.5s", quote.Value(s))
	}
	f.value, f.set = d, true
	return nil
}

// fractionFlag is a number from 0 to 1.
type fractionFlag struct{ value float64 }

func (f *fractionFlag) String() string { return strconv.FormatFloat(f.value, 'g', -1, 64) }

func (f *fractionFlag) Type() string { return "fraction" }

func (f *fractionFlag) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
		return fmt.Errorf("%s is not a number from 0 to 1", quote.Value(s))
	}
	f.value = v
	return nil
}
