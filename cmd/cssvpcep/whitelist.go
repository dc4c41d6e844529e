package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// whitelistFlags are the flags of the whitelist commands, declared once on whitelist, so that
// they may come before or after the subcommand.
type whitelistFlags struct {
	clientFlags
	dryRun bool
}

const rmwNote = "read-modify-write: a change made by someone else between the read and the write is lost"

func (c *cli) whitelistCommand() *cobra.Command {
	f := &whitelistFlags{}
	cmd := &cobra.Command{
		Use:   "whitelist show|set|add|remove --cluster-id ID [ACCOUNT_ID...]",
		Short: "show or change the accounts that may connect to a cluster",
		Long: `Shows or changes the whitelist of a cluster's VPC endpoint service: the accounts that may
create VPC endpoints to it. An ACCOUNT_ID is an account's domain ID as IAM shows it, 32
lower-case hexadecimal digits.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("a subcommand is needed: show, set, add or remove")
			}
			return unknownCommand(cmd, args[0])
		},
		Annotations: map[string]string{"more": whitelistMore("")},
	}
	fs := cmd.PersistentFlags()
	f.addCluster(fs)
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the request it would send (method, URL, body; never a credential) "+
		"and send nothing")
	f.add(fs, defaultTimeout)
	cmd.AddCommand(c.whitelistShow(f), c.whitelistSet(f), c.whitelistChange(f, true), c.whitelistChange(f, false))
	return cmd
}

// whitelistMore is the end of the help of the whitelist commands: credentials, output (when
// there is something to say), exit status.
func whitelistMore(output string) string {
	s := credentialsHelp + "\n"
	if output != "" {
		s += output + "\n"
	}
	return s + exitStatusHelp("done, or a dry run")
}

// whitelistSession checks the flags and problems and builds the client (changeSession).
func (c *cli) whitelistSession(ctx context.Context, f *whitelistFlags, problems []string) (*session, *dryRun, error) {
	return c.changeSession(ctx, &f.clientFlags, f.dryRun, append(f.check(true), problems...))
}

func (c *cli) whitelistShow(f *whitelistFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show",
		Short: "list the accounts on the whitelist",
		Long: `Lists the whitelist of a cluster's VPC endpoint service (read from API operation
ShowVpcepConnection, which fails with CSS.5182 while the service is off).`,
		Args: noArgs,
		Annotations: map[string]string{"more": whitelistMore(`Output:
  table   a row per entry: ACCOUNT (the account ID, or the entry as the service sent it when it
          is not an account), TYPE and CREATED (UTC, RFC 3339), then how many there are.
  json    {"permissions": [{"id", "permission", "permission_type", "created_at",
          "account_id"}]}, account_id for the entries that are accounts.
`)},
		Example: "  cssvpcep whitelist show --cluster-id C\n  cssvpcep whitelist show --cluster-id C -o json | jq -r '.permissions[].account_id'",
	}
	cmd.RunE = c.runE(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		s, dry, err := c.whitelistSession(ctx, f, nil)
		if err != nil {
			return err
		}
		defer s.close()
		perms, err := s.client.Whitelist(s.ctx, f.clusterID.value)
		switch {
		case errors.Is(err, client.ErrDryRun):
			return (&dryRunReport{reqs: dry.planned(), leads: []string{"read the whitelist"}}).write(c.stdout, f.json())
		case err != nil:
			return err
		case f.json():
			return printJSON(c.stdout, whitelistJSON(perms))
		}
		return writeWhitelist(c.stdout, f.clusterID.value, perms)
	})
	return cmd
}

// writeWhitelist writes the entries as a table and a line counting them.
func writeWhitelist(w io.Writer, clusterID string, perms []client.Permission) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tTYPE\tCREATED")
	for _, p := range perms {
		account, ok := p.AccountID()
		if !ok {
			account = p.Permission
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", cell(account), cell(p.Type), cell(tableTime(p.Created, p.CreatedText)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s on the whitelist of cluster %s\n", countOf(len(perms), "account"), quote.Value(clusterID))
	return err
}

// jsonWhitelist is the JSON output of whitelist show.
type jsonWhitelist struct {
	Permissions []jsonWhitelistEntry `json:"permissions"`
}

type jsonWhitelistEntry struct {
	jsonPermission
	AccountID string `json:"account_id,omitempty"`
}

func whitelistJSON(perms []client.Permission) jsonWhitelist {
	out := jsonWhitelist{Permissions: make([]jsonWhitelistEntry, len(perms))}
	for i, p := range perms {
		out.Permissions[i].jsonPermission = jsonPermission{ID: p.ID, Permission: p.Permission, PermissionType: p.Type, CreatedAt: jsonTime(p.Created, p.CreatedText)}
		out.Permissions[i].AccountID, _ = p.AccountID()
	}
	return out
}

func (c *cli) whitelistSet(f *whitelistFlags) *cobra.Command {
	var empty bool
	cmd := &cobra.Command{
		Use:   "set ACCOUNT_ID... | --empty",
		Short: "replace the whitelist with the accounts given",
		Long: fmt.Sprintf(`Replaces the whitelist of a cluster's VPC endpoint service with the accounts given, at most
%d, none twice (API operation UpdateVpcepWhitelist). With --empty and no ACCOUNT_ID the
whitelist is emptied: no other account can then create a VPC endpoint to the cluster.`, client.MaxWhitelist),
		Args: cobra.ArbitraryArgs,
		Annotations: map[string]string{"more": whitelistMore(`Output:
  table   a line with the whitelist as set.
  json    {"cluster_id", "whitelist": [...]}.
`)},
		Example: "  cssvpcep whitelist set --cluster-id C db9b76a0d9ae431f8e85e89da2ca867c\n  cssvpcep whitelist set --cluster-id C --empty",
	}
	// A script's empty variable would otherwise empty the whitelist without a word.
	cmd.Flags().BoolVar(&empty, "empty", false, "set an empty whitelist (needed to give no ACCOUNT_ID)")
	cmd.RunE = c.runE(func(ctx context.Context, _ *cobra.Command, ids []string) error {
		var problems []string
		switch {
		case len(ids) == 0 && !empty:
			problems = append(problems, "no ACCOUNT_ID: name the accounts, or give --empty to empty the whitelist")
		case len(ids) > 0 && empty:
			problems = append(problems, "--empty empties the whitelist: it takes no ACCOUNT_ID")
		}
		s, dry, err := c.whitelistSession(ctx, f, problems)
		if err != nil {
			return err
		}
		defer s.close()
		id := f.clusterID.value
		err = s.client.SetWhitelist(s.ctx, id, ids)
		switch {
		case errors.Is(err, client.ErrDryRun):
			return (&dryRunReport{reqs: dry.planned(), leads: []string{"replace the whitelist"}}).write(c.stdout, f.json())
		case err != nil:
			return err
		case f.json():
			return printJSON(c.stdout, struct {
				ClusterID string   `json:"cluster_id"`
				Whitelist []string `json:"whitelist"`
			}{id, append([]string{}, ids...)})
		case len(ids) == 0:
			_, err = fmt.Fprintf(c.stdout, "whitelist of cluster %s emptied: no other account can create a VPC endpoint to it\n", quote.Value(id))
		default:
			// The client has checked that every ID is 32 hexadecimal digits: nothing to quote.
			_, err = fmt.Fprintf(c.stdout, "whitelist of cluster %s set to %s: %s\n", quote.Value(id), countOf(len(ids), "account"), strings.Join(ids, ", "))
		}
		return err
	})
	return cmd
}

// whitelistChange is whitelist add (add true) or whitelist remove: the client's
// read-modify-write helpers.
func (c *cli) whitelistChange(f *whitelistFlags, add bool) *cobra.Command {
	verb, done, change := "remove", "removed", (*client.Client).RemoveFromWhitelist
	short, long := "remove accounts from the whitelist", "Removes accounts from"
	if add {
		verb, done, change = "add", "added", (*client.Client).AddToWhitelist
		short, long = "add accounts to the whitelist", "Adds accounts to"
	}
	cmd := &cobra.Command{
		Use:   verb + " ACCOUNT_ID...",
		Short: short,
		Long: long + ` the whitelist of a cluster's VPC endpoint service. It reads the whitelist,
changes it and writes it back (ShowVpcepConnection, then UpdateVpcepWhitelist), or writes
nothing when there is nothing to change. It is a read-modify-write: a change made by someone
else between the read and the write is lost. With --dry-run it sends nothing, not even the
read, so it cannot show the write's body.`,
		Args: cobra.ArbitraryArgs,
		Annotations: map[string]string{"more": whitelistMore(`Output:
  table   a line saying how many accounts were ` + done + `, and the whitelist after.
  json    {"cluster_id", "before": [...], "after": [...], "` + done + `": [...]}.
`)},
		Example: "  cssvpcep whitelist " + verb + " --cluster-id C db9b76a0d9ae431f8e85e89da2ca867c",
	}
	cmd.RunE = c.runE(func(ctx context.Context, _ *cobra.Command, ids []string) error {
		var problems []string
		if len(ids) == 0 {
			problems = append(problems, fmt.Sprintf("no ACCOUNT_ID: name the accounts to %s", verb))
		}
		s, dry, err := c.whitelistSession(ctx, f, problems)
		if err != nil {
			return err
		}
		defer s.close()
		id := f.clusterID.value
		ch, err := change(s.client, s.ctx, id, ids...)
		switch {
		case errors.Is(err, client.ErrDryRun):
			return (&dryRunReport{
				reqs:  dry.planned(),
				leads: []string{"whitelist " + verb + " is a read-modify-write: read the whitelist"},
				note: "then write it back with the accounts " + done + " (POST …/vpcepservice/permissions), or nothing when there is " +
					"nothing to change. The body of that write depends on what the read returns, and a dry run sends nothing, " +
					"not even the read: it cannot show it.",
			}).write(c.stdout, f.json())
		case err != nil:
			return err
		case f.json():
			out := jsonWhitelistChange{ClusterID: id, Before: nonNil(ch.Before), After: nonNil(ch.After)}
			changed := nonNil(ch.Changed)
			if add {
				out.Added = &changed
			} else {
				out.Removed = &changed
			}
			return printJSON(c.stdout, out)
		case len(ch.Changed) == 0 && add:
			_, err = fmt.Fprintf(c.stdout, "whitelist: every account given is on it already: nothing was written (%s on the whitelist of cluster %s)\n",
				countOf(len(ch.After), "account"), quote.Value(id))
		case len(ch.Changed) == 0:
			_, err = fmt.Fprintf(c.stdout, "whitelist: none of the accounts given is on it: nothing was written (%s on the whitelist of cluster %s)\n",
				countOf(len(ch.After), "account"), quote.Value(id))
		default:
			_, err = fmt.Fprintf(c.stdout, "whitelist: %s %s (%s)\nnow %s on the whitelist of cluster %s\n",
				done, countOf(len(ch.Changed), "account"), rmwNote, countOf(len(ch.After), "account"), quote.Value(id))
		}
		return err
	})
	return cmd
}

// jsonWhitelistChange is the JSON output of whitelist add and remove: one of Added and
// Removed is set.
type jsonWhitelistChange struct {
	ClusterID string    `json:"cluster_id"`
	Before    []string  `json:"before"`
	After     []string  `json:"after"`
	Added     *[]string `json:"added,omitempty"`
	Removed   *[]string `json:"removed,omitempty"`
}

// nonNil is list, or an empty list for nil, so that JSON has [] rather than null.
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// countOf is "1 account" or "2 accounts": n of noun, in the plural that adds an s.
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
