package options

import (
	"errors"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type config struct{ n int }

type option func(*config) error

func TestApply(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	var c config
	errs := Apply(&c, []option{
		func(c *config) error { c.n++; return nil },
		nil,
		func(c *config) error { c.n++; return errA },
		func(c *config) error { c.n++; return errB },
	})
	if c.n != 3 || len(errs) != 2 || !errors.Is(errs[0], errA) || !errors.Is(errs[1], errB) {
		t.Errorf("n = %d, errs = %v; want 3 options run and both errors in order", c.n, errs)
	}
	if errs := Apply(&c, []option(nil)); errs != nil {
		t.Errorf("no options: %v", errs)
	}
}

func TestJoin(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	if err := Join(nil); err != nil {
		t.Errorf("Join(nil) = %v", err)
	}
	if err := Join([]error{errA}); err != errA { //nolint:errorlint // the error itself, not a wrapper of it
		t.Errorf("Join(one) = %v, want the error itself", err)
	}
	if err := Join([]error{errA, errB}); !errors.Is(err, errA) || !errors.Is(err, errB) || err.Error() != "a\nb" {
		t.Errorf("Join(two) = %q", err)
	}
}
