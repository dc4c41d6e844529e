package client

import (
	"context"
	"log/slog"
	"time"
)

// logAttempt writes the debug record of one attempt. It takes nothing from the request but its
// method and escaped path, so no header, and no credential, can reach the log.
func (c *Client) logAttempt(ctx context.Context, op string, a *attempt, d time.Duration, err error) {
	l := c.cfg.logger
	if !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	args := make([]any, 0, 16)
	args = append(args,
		slog.String("operation", op),
		slog.String("method", a.method))
	if a.path != "" { // "" when the attempt ended before its request was built
		args = append(args, slog.String("path", a.path))
	}
	args = append(args, a.attrs...)
	args = append(args, slog.Int("attempt", a.n), slog.Duration("duration", d))
	if a.status != 0 {
		args = append(args, slog.Int("status", a.status))
	}
	if a.requestID != "" {
		args = append(args, slog.String("request_id", a.requestID))
	}
	if err != nil {
		args = append(args, slog.String("error", err.Error()))
	}
	l.DebugContext(ctx, "cssvpcep: attempt", args...)
}

// logRetry writes the debug record of a wait before attempt n+1.
func (c *Client) logRetry(ctx context.Context, op string, n int, wait time.Duration) {
	c.cfg.logger.DebugContext(ctx, "cssvpcep: retrying",
		slog.String("operation", op),
		slog.Int("next_attempt", n+1),
		slog.Duration("wait", wait))
}
