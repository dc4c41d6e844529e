package main

import (
	"context"
	"errors"
	"io"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/client"
)

// cli is what every command writes to and reads its environment from; run builds it from its
// arguments, so that tests run commands in-process with their own streams and environment.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookupEnv      func(string) (string, bool)
	// stdinTerminal reports whether someone at a terminal can answer a prompt on stdin;
	// stderrTerminal whether a progress line can be redrawn in place on stderr.
	stdinTerminal, stderrTerminal bool
	// wait is the timing of the waits (--wait, wait): the client's defaults, which tests
	// shorten.
	wait client.WaitOptions
}

func init() {
	// The commands are listed in the order of the lifecycle, not alphabetically. Set once,
	// here, because it is a global of package cobra that every Execute reads.
	cobra.EnableCommandSorting = false
}

// version is what --version prints.
func version() string {
	return "cssvpcep " + client.Version + " (" + runtime.Version() + ")"
}

// run runs the command line args (without the program name) and returns the exit status:
// exitOK, exitFailure or exitUsage. stdin is read by the one prompt (disable's confirmation);
// lookupEnv is os.LookupEnv outside tests.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) int {
	c := &cli{
		stdin: stdin, stdout: stdout, stderr: stderr, lookupEnv: lookupEnv,
		stdinTerminal: isTerminal(stdin), stderrTerminal: isTerminal(stderr),
	}
	return c.execute(ctx, args)
}

// execute runs args through the command tree and reports the outcome.
func (c *cli) execute(ctx context.Context, args []string) int {
	root := c.rootCommand()
	// Never nil: cobra reads os.Args for a nil slice.
	root.SetArgs(append([]string{}, legacyFlags(args)...))
	root.SetIn(c.stdin)
	root.SetOut(c.stdout)
	root.SetErr(c.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	var ue *usageError
	var ce *commandError
	if err != nil && !errors.Is(err, errUsageShown) && !errors.As(err, &ue) && !errors.As(err, &ce) {
		// Not the command's: cobra's own word on the command line.
		err = &usageError{problems: []string{err.Error()}}
	}
	return c.exit(commandName(cmd), err)
}

// legacyFlags rewrites the single-dash -help and -version that the command line took before
// it moved to cobra (package flag accepts one dash for long flags) to their two-dash forms,
// up to a "--".
func legacyFlags(args []string) []string {
	out := make([]string, len(args))
	copy(out, args)
	for i, a := range out {
		switch a {
		case "--":
			return out
		case "-help":
			out[i] = "--help"
		case "-version":
			out[i] = "--version"
		}
	}
	return out
}

// commandName is the name of cmd in messages: its path without "cssvpcep", such as
// "whitelist add"; "" for the root.
func commandName(cmd *cobra.Command) string {
	if cmd == nil || !cmd.HasParent() {
		return ""
	}
	path := cmd.CommandPath()
	return path[len(cmd.Root().Name())+1:]
}
