package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// isTerminal reports whether stream is a terminal: a character device, as a terminal is and a
// pipe or a file is not, other than the null device, which is what a process started without
// standard input (by cron, by CI) gets. Asking the terminal itself (an ioctl) would take a
// dependency or a file per system for little more.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok || f == nil {
		return false
	}
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(info, null)
}

// confirm asks question on stderr and reads one line of stdin: true for y or yes, in any case.
// End of input, or anything else, is a no.
func (c *cli) confirm(question string) bool {
	fmt.Fprintf(c.stderr, "%s [y/N] ", question)
	line, err := bufio.NewReader(io.LimitReader(c.stdin, 1024)).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(c.stderr)
		return false
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}
