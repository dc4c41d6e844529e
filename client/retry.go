package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy decides, after an attempt failed, whether to make another. op is the operation
// called: a policy can tell the reads (op.Idempotent) from the operations that change state.
// resp is the response when one arrived (its body already read and closed: look at
// StatusCode and Header), nil otherwise. err says what failed and is never nil: an *APIError
// for a status other than 2xx (or a 2xx carrying a CSS error code), a *ResponseError for a
// 2xx response that cannot be used, an error matching ErrResponseTooLarge, or a network
// error (its message starts with the operation). ctx is the call's context.
//
// A policy returning true asks for another attempt; the client still makes none beyond the
// maximum (WithRetry) or past the context's deadline, and, for an operation that is not
// idempotent, none unless the failed attempt provably was not processed (NotProcessed): a
// policy can decline a retry, never force one that could change state twice. A non-nil error
// ends the call at once; the call's error then wraps both it and err.
type RetryPolicy func(ctx context.Context, op Operation, resp *http.Response, err error) (bool, error)

// Backoff returns how long to wait before the next attempt. attempt is the number of attempts
// made so far (1 after the first failed); minWait and maxWait are the bounds set with
// WithRetry; resp is the failed attempt's response, nil when none arrived.
type Backoff func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration

// DefaultRetryPolicy stops when ctx is done (returning its error), and otherwise retries what
// IsRetryable accepts: statuses 429, 500, 502, 503 and 504, network errors (connection refused,
// reset or aborted, a connection closed before or while the response arrived) and timeouts,
// the per-attempt timeout (WithTimeout) among them. Other statuses, a response that does not
// decode or breaks the spec, a body over the size limit and a refused redirect are final. For
// an operation that is not idempotent the client narrows this to the failures NotProcessed
// accepts, whatever the policy says.
func DefaultRetryPolicy(ctx context.Context, _ Operation, _ *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, context.Cause(ctx)
	}
	return IsRetryable(err), nil
}

// DefaultBackoff honours a Retry-After header (seconds or an HTTP date) on resp, capped at
// maxWait; otherwise it waits a random time between 0 and minWait·2^(attempt-1), capped at
// maxWait ("full jitter": clients that failed together do not retry together).
func DefaultBackoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return max(min(d, maxWait), 0)
		}
	}
	ceiling := minWait
	for i := 1; i < attempt && ceiling < maxWait; i++ {
		if ceiling > maxWait/2 {
			ceiling = maxWait
			break
		}
		ceiling *= 2
	}
	ceiling = min(ceiling, maxWait)
	if ceiling <= 0 {
		return 0
	}
	if ceiling < maxDuration {
		ceiling++ // rand.N excludes its bound, and the ceiling itself is a valid wait
	}
	return rand.N(ceiling)
}

// parseRetryAfter reads a Retry-After value: seconds or an HTTP date, which now turns into a
// wait (0 when the date has passed).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if strings.Trim(v, "0123456789") == "" {
		secs, err := strconv.ParseUint(v, 10, 63)
		if err != nil || secs > uint64(maxDuration/time.Second) {
			return maxDuration, true // absurdly far; the caller caps it
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

const maxDuration = time.Duration(1<<63 - 1)

// retry makes attempts of one call of op until one succeeds, the policy declines, the
// attempts run out, or ctx ends. try runs one attempt under the per-attempt timeout; it
// returns the response (with its body read and closed) when one arrived, and the attempt's
// error.
func (c *Client) retry(ctx context.Context, op *Operation, attrs []any, try func(context.Context, *attempt) (*http.Response, error)) error {
	cfg := c.cfg
	var last error
	for n := 1; ; n++ {
		if ctx.Err() != nil {
			if last == nil {
				return fmt.Errorf("client: %s: %w", op.ID, context.Cause(ctx))
			}
			return c.final(op.ID, n-1, true, "the context ended before the next attempt", last, context.Cause(ctx))
		}
		a := &attempt{n: n, method: op.Method, attrs: attrs, mask: newMasker(cfg)}
		start := time.Now()
		resp, err := c.runAttempt(ctx, a, try) //nolint:bodyclose // try has read and closed the body
		c.logAttempt(ctx, op.ID, a, time.Since(start), err)
		if err == nil {
			return nil
		}
		last = err
		if ctx.Err() != nil { // the call's context ended during the attempt
			return c.final(op.ID, n, false, "", err, nil)
		}
		again, perr := cfg.policy(ctx, *op, resp, err)
		switch {
		case perr != nil:
			return c.final(op.ID, n, false, "the retry policy stopped", err, perr)
		case !again:
			return c.final(op.ID, n, false, "", err, nil)
		case !op.Idempotent && !NotProcessed(resp, err):
			return c.final(op.ID, n, false, "", err, nil)
		case n >= cfg.maxAttempts:
			return c.final(op.ID, n, true, "", err, nil)
		}
		wait := cfg.backoff(cfg.minWait, cfg.maxWait, n, resp)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return c.final(op.ID, n, true, fmt.Sprintf("waiting %v to retry would pass the context's deadline", wait), err, nil)
		}
		c.logRetry(ctx, op.ID, n, wait)
		if sleep(ctx, wait) != nil {
			return c.final(op.ID, n, true, fmt.Sprintf("the context ended while waiting %v to retry", wait), err, context.Cause(ctx))
		}
	}
}

// runAttempt runs try under the per-attempt timeout. An attempt that ran out of its own time
// (not the call's) fails with an error saying so, which wraps context.DeadlineExceeded. A
// failure that has nothing to do with the deadline (a body that does not decode, found after
// the time ran out) is reported as what it is.
func (c *Client) runAttempt(ctx context.Context, a *attempt, try func(context.Context, *attempt) (*http.Response, error)) (*http.Response, error) {
	if c.cfg.timeout <= 0 {
		return try(ctx, a)
	}
	actx, cancel := context.WithTimeout(ctx, c.cfg.timeout)
	defer cancel()
	resp, err := try(actx, a)
	if err != nil && actx.Err() != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		err = &attemptTimeoutError{timeout: c.cfg.timeout, err: err}
	}
	return resp, err
}

// final builds the error a call returns after n attempts: the last attempt's error itself
// when there was a single attempt and nothing else to say, else a *retryError around it.
func (c *Client) final(op string, n int, gaveUp bool, reason string, last, cause error) error {
	if n == 1 && !gaveUp && reason == "" && cause == nil {
		return last
	}
	return &retryError{op: op, attempts: n, gaveUp: gaveUp, reason: reason, last: last, cause: cause}
}

// retryError is the error of a call that made more than one attempt, or gave up on retrying.
// It wraps the last attempt's error (errors.As finds its *APIError) and, when something else
// ended the call (the context, the policy), that too.
type retryError struct {
	op       string
	attempts int
	gaveUp   bool   // the last failure was worth retrying, but no further attempt was made
	reason   string // why, when it was not the maximum number of attempts
	last     error
	cause    error
}

func (e *retryError) Error() string {
	var b strings.Builder
	b.WriteString("client: " + e.op + ": ")
	if e.gaveUp {
		b.WriteString("giving up")
	} else {
		b.WriteString("failed")
	}
	fmt.Fprintf(&b, " after %d attempt", e.attempts)
	if e.attempts != 1 {
		b.WriteByte('s')
	}
	if e.reason != "" {
		b.WriteString(" (" + e.reason)
		if e.cause != nil {
			b.WriteString(": " + e.cause.Error())
		}
		b.WriteByte(')')
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.last.Error(), "client: "+e.op+": "))
	return b.String()
}

func (e *retryError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.last}
	}
	return []error{e.last, e.cause}
}

// attemptTimeoutError is an attempt that ran out of the time WithTimeout gives it.
type attemptTimeoutError struct {
	timeout time.Duration
	err     error
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("%s (the attempt ran out of its %v, WithTimeout)", e.err, e.timeout)
}

func (e *attemptTimeoutError) Unwrap() error { return e.err }

// Timeout reports true, for net.Error-style checks.
func (e *attemptTimeoutError) Timeout() bool { return true }
