package main

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// cli is what every command writes to and reads its environment from; run builds it from its
// arguments, so that tests run commands in-process with their own writers and environment.
type cli struct {
	stdout, stderr io.Writer
	lookupEnv      func(string) (string, bool)
}

// command is one of cssvpcep's commands.
type command struct {
	name  string
	usage string
	run   func(ctx context.Context, args []string) error
}

// commands lists the commands in the order the usage shows them.
func (c *cli) commands() []command {
	return []command{
		{name: "connections", usage: connectionsUsage, run: c.connections},
		{name: "serve", usage: serveUsage, run: c.serve},
		{name: "demo", usage: demoUsage, run: c.demo},
	}
}

const usage = `cssvpcep lists the VPC endpoint connections of a Cloud Search Service (CSS) cluster,
calling GET /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections, and runs a
local emulator of that API.

Usage:
  cssvpcep <command> [flags]

Commands:
  connections   list the VPC endpoint connections of a cluster
  serve         run the emulator until interrupted
  demo          start the emulator in-process and list its connections through the client
  help          show the help of a command: cssvpcep help <command>

Flags:
  -h, --help    show this help
  --version     print the version

Run 'cssvpcep <command> --help' for the flags of a command.

Exit status: 0 success, 1 the API or the network failed, 2 usage error.
`

// version is what --version prints.
func version() string {
	return "cssvpcep " + client.Version + " (" + runtime.Version() + ")"
}

// run runs the command line args (without the program name) and returns the exit status:
// exitOK, exitFailure or exitUsage. No command reads stdin; it is taken so that the signature
// is the whole of the process's interface. lookupEnv is os.LookupEnv outside tests.
func run(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) int {
	c := &cli{stdout: stdout, stderr: stderr, lookupEnv: lookupEnv}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch name := args[0]; name {
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "-version", "--version":
		fmt.Fprintln(stdout, version())
		return exitOK
	case "help":
		return c.help(args[1:])
	default:
		for _, cmd := range c.commands() {
			if cmd.name == name {
				return c.exit(cmd.name, cmd.run(ctx, args[1:]))
			}
		}
		if len(name) > 0 && name[0] == '-' {
			fmt.Fprintf(stderr, "cssvpcep: unknown flag %s: flags come after the command\n\n%s", quote.Value(name), usage)
		} else {
			fmt.Fprintf(stderr, "cssvpcep: unknown command %s\n\n%s", quote.Value(name), usage)
		}
		return exitUsage
	}
}

// help prints the usage of the command named in args, or the general usage.
func (c *cli) help(args []string) int {
	switch {
	case len(args) == 0:
		fmt.Fprint(c.stdout, usage)
		return exitOK
	case len(args) > 1:
		fmt.Fprintf(c.stderr, "cssvpcep help: one command at most, got %d arguments\n", len(args))
		return exitUsage
	}
	for _, cmd := range c.commands() {
		if cmd.name == args[0] {
			fmt.Fprint(c.stdout, cmd.usage)
			return exitOK
		}
	}
	fmt.Fprintf(c.stderr, "cssvpcep help: unknown command %s\n\n%s", quote.Value(args[0]), usage)
	return exitUsage
}
