package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

const rootIntro = `cssvpcep manages the VPC endpoint service of Cloud Search Service (CSS) clusters: it lists
a cluster's VPC endpoint connections, enables and disables the service, accepts and rejects
connections, keeps the whitelist of accounts, and waits for the cluster's tasks, through the
six API operations under /v1.0/{project_id}/clusters/{cluster_id}. It also runs a local
emulator of that API.

`

const rootMore = `Run 'cssvpcep <command> --help' for the flags of a command, 'cssvpcep completion bash' (or
zsh, fish, powershell) for a shell completion script.

Exit status: 0 success, 1 the API or the network failed, 2 usage error.
`

// rootCommand builds the command tree. Each command's RunE returns an error that exit maps to
// the exit status; cobra itself prints nothing (SilenceErrors, SilenceUsage), so that every
// message has the form "cssvpcep <command>: <problem>".
func (c *cli) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "cssvpcep",
		Version:       client.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		// Runnable, so that no arguments is a usage error and an unknown command is named.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				c.writeHelp(c.stderr, cmd)
				return errUsageShown
			}
			return unknownCommand(cmd, args[0])
		},
		Annotations: map[string]string{"more": rootMore},
	}
	root.SetVersionTemplate(version() + "\n")
	root.Flags().Bool("version", false, "print the version")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{problems: []string{flagProblem(err)}}
	})
	root.SetHelpFunc(func(cmd *cobra.Command, _ []string) { c.writeHelp(cmd.OutOrStdout(), cmd) })
	root.SetHelpCommand(c.helpCommand())
	root.AddCommand(
		c.connectionsCommand(),
		c.enableCommand(),
		c.disableCommand(),
		c.acceptCommand(),
		c.rejectCommand(),
		c.whitelistCommand(),
		c.waitCommand(),
		c.authCommand(),
		c.serveCommand(),
		c.demoCommand(),
	)
	// cobra would add completion as it runs; added here, it is listed in our words.
	root.InitDefaultCompletionCmd()
	for _, sub := range root.Commands() {
		if sub.Name() == "completion" {
			sub.Short = "print a shell completion script: bash, zsh, fish or powershell"
			// cobra's completion command prints its help and exits 0 for a shell it does not
			// know; a script that asked for one must not take the help for the script.
			sub.Args = cobra.ArbitraryArgs
			sub.RunE = func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return usagef("a shell is needed: bash, zsh, fish or powershell")
				}
				return unknownCommand(cmd, args[0])
			}
		}
	}
	prepare(root)
	return root
}

// prepare gives every command of the tree the help flag in the words of the other flags, and
// lists flags in the order they were declared.
func prepare(cmd *cobra.Command) {
	cmd.Flags().SortFlags = false
	cmd.PersistentFlags().SortFlags = false
	cmd.Flags().BoolP("help", "h", false, "show this help")
	for _, sub := range cmd.Commands() {
		prepare(sub)
	}
}

// helpCommand is "cssvpcep help [command]": the help of a command, or the general help. Unlike
// cobra's own, it fails (exit status 2) for a command that does not exist.
func (c *cli) helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "show the help of a command: cssvpcep help <command>",
		Args:  cobra.ArbitraryArgs,
		RunE: c.runE(func(_ context.Context, cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 || (target == root && len(args) > 0) {
				return usagef("unknown command %s", quote.Value(strings.Join(args, " ")))
			}
			c.writeHelp(c.stdout, target)
			return nil
		}),
	}
}

// runE adapts a command's function to cobra, passing the command's context and marking its
// errors as the command's own: exit tells them from cobra's complaints about the command line.
func (c *cli) runE(f func(ctx context.Context, cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := f(cmd.Context(), cmd, args); err != nil {
			return &commandError{err: err}
		}
		return nil
	}
}

// noArgs is the argument rule of the commands that take flags only.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %s: this command takes flags only", quote.Value(args[0]))
	}
	return nil
}

// unknownCommand is the usage error for a command name that cmd does not have, with cobra's
// suggestion when there is one.
func unknownCommand(cmd *cobra.Command, name string) error {
	msg := "unknown command " + quote.Value(name)
	cmd.SuggestionsMinimumDistance = 2 // cobra's own default, which SuggestionsFor does not apply
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", quote.Value(s[0]))
	}
	return &usageError{problems: []string{msg}}
}

// The layout of the help: the flag column and the width of the lines.
const (
	helpFlagColumn = 24
	helpWidth      = 100
)

// writeHelp writes the help of cmd: usage line, description, subcommands, flags, the
// command's further sections (credentials, output, exit status) and examples.
func (c *cli) writeHelp(w io.Writer, cmd *cobra.Command) {
	var b strings.Builder
	if !cmd.HasParent() {
		b.WriteString(rootIntro)
		b.WriteString("Usage:\n  cssvpcep <command> [flags]\n")
	} else {
		fmt.Fprintf(&b, "Usage:\n  %s\n", cmd.UseLine())
	}
	if cmd.Long != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimRight(cmd.Long, "\n"))
	}
	if cmd.HasAvailableSubCommands() {
		b.WriteString("\nCommands:\n")
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				fmt.Fprintf(&b, "  %-13s %s\n", sub.Name(), sub.Short)
			}
		}
	}
	if flags := flagsHelp(cmd); flags != "" {
		fmt.Fprintf(&b, "\nFlags:\n%s", flags)
	}
	if more := cmd.Annotations["more"]; more != "" {
		fmt.Fprintf(&b, "\n%s", strings.TrimLeft(more, "\n"))
	}
	if cmd.Example != "" {
		fmt.Fprintf(&b, "\nExamples:\n%s\n", strings.TrimRight(cmd.Example, "\n"))
	}
	_, _ = io.WriteString(w, b.String())
}

// flagsHelp lists the flags of cmd, its parents' persistent ones included, in the order they
// were declared, help last.
func flagsHelp(cmd *cobra.Command) string {
	cmd.InheritedFlags() // merges the parents' persistent flags into cmd.Flags()
	var b strings.Builder
	var help *pflag.Flag
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		switch {
		case f.Hidden:
		case f.Name == "help":
			help = f
		default:
			writeFlag(&b, f)
		}
	})
	if help != nil {
		writeFlag(&b, help)
	}
	return b.String()
}

// writeFlag writes one flag: its names and value, and its usage wrapped to the help's width.
func writeFlag(b *strings.Builder, f *pflag.Flag) {
	value, usage := pflag.UnquoteUsage(f)
	if f.Name == "help" {
		usage = "show this help"
	}
	left := "  "
	if f.Shorthand != "" {
		left += "-" + f.Shorthand + ", "
	}
	left += "--" + f.Name
	if value != "" && f.Value.Type() != "bool" {
		left += " " + value
	}
	lines := wrap(usage, helpWidth-helpFlagColumn)
	if len(left) > helpFlagColumn-2 {
		fmt.Fprintf(b, "%s\n", left)
	} else {
		fmt.Fprintf(b, "%-*s%s\n", helpFlagColumn, left, lines[0])
		lines = lines[1:]
	}
	for _, l := range lines {
		fmt.Fprintf(b, "%s%s\n", strings.Repeat(" ", helpFlagColumn), l)
	}
}

// wrap breaks text into lines of at most width bytes at spaces, keeping its line breaks.
func wrap(text string, width int) []string {
	var lines []string
	for para := range strings.SplitSeq(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case len(line)+1+len(word) > width:
				lines = append(lines, line)
				line = word
			default:
				line += " " + word
			}
		}
		lines = append(lines, line)
	}
	return lines
}
