package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// isTerminal reports whether stream is a terminal, as the terminal itself says (golang.org/x/term):
// a pipe, a file, the null device or another character device (/dev/zero) is not.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && f != nil && term.IsTerminal(int(f.Fd()))
}

// confirm asks question on stderr and reads one line of stdin: true for y or yes, in any case.
// End of input, anything else, or ctx ending first (Ctrl+C, which the command's context
// catches) is a no.
func (c *cli) confirm(ctx context.Context, question string) bool {
	fmt.Fprintf(c.stderr, "%s [y/N] ", question)
	answer := make(chan string, 1) // "" for the end of input
	go func() {                    // left blocked on a terminal that never answers, until the process ends
		line, _ := bufio.NewReader(io.LimitReader(c.stdin, 1024)).ReadString('\n')
		answer <- line
	}()
	var line string
	select {
	case line = <-answer:
	case <-ctx.Done():
	}
	if line == "" { // no line was typed: end the prompt's
		fmt.Fprintln(c.stderr)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}
