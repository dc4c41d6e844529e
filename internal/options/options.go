// Package options holds what the functional options of package client, emulator and contract
// share: applying them all, so that every wrong option is named at once, and joining their
// errors.
package options

import "errors"

// Apply runs opts on target in order, skipping nil ones, and returns every error they give.
func Apply[T any, O ~func(*T) error](target *T, opts []O) []error {
	var errs []error
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(target); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// Join returns nil for no error, the error itself for one (so that a single *ConfigError is
// returned as it is), and errors.Join of them for several: a flat list.
func Join(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}
