package emulator

import "time"

// WithBodyTimeout sets how long a request body may take to arrive (bodyTimeout by default), so
// that tests of the bound need not wait for it.
func WithBodyTimeout(d time.Duration) Option {
	return func(c *config) error {
		c.bodyTimeout = d
		return nil
	}
}
