package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/cssvpcep/cssvpcep/api"
	idrules "github.com/cssvpcep/cssvpcep/internal/ids"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// AccountID returns the account ID a whitelist entry grants, and false for an entry that is
// not of the form iam:domain::<32 hex digits> with type domainId.
func (p Permission) AccountID() (string, bool) {
	id, ok := strings.CutPrefix(p.Permission, idrules.PermissionPrefix)
	if !ok || (p.Type != "" && p.Type != string(api.DomainId)) || !idrules.AccountID.MatchString(id) {
		return "", false
	}
	return id, true
}

// Whitelist returns the whitelist of a cluster's VPC endpoint service: the accounts that may
// create VPC endpoints to it, with the type and creation time of each entry. It reads them from
// ShowVpcepConnection (the first page, one connection: the whitelist comes with every page), so
// it fails with an error for which IsNotEnabled reports true when the service is off.
func (c *Client) Whitelist(ctx context.Context, clusterID string) ([]Permission, error) {
	if err := checkCall(ctx, "Whitelist", clusterID); err != nil {
		return nil, err
	}
	page, err := c.ListConnections(ctx, clusterID, &ListOptions{Limit: 1})
	if err != nil {
		return nil, err
	}
	return page.Permissions, nil
}

// SetWhitelist replaces the whitelist of a cluster's VPC endpoint service with accountIDs,
// calling the API operation UpdateVpcepWhitelist (POST /v1.0/{project_id}/clusters/
// {cluster_id}/vpcepservice/permissions). An empty list is allowed and means nobody: no other
// account can then create a VPC endpoint to the cluster.
//
// accountIDs is checked before any request: at most MaxWhitelist, each 32 lower-case
// hexadecimal digits (an account's domain ID, as IAM shows it), none twice; otherwise an
// *ArgumentError names the ID at fault by its index. The request changes state, so it is sent
// again only when the failed attempt provably was not processed (see NotProcessed).
func (c *Client) SetWhitelist(ctx context.Context, clusterID string, accountIDs []string) error {
	const fn = "SetWhitelist"
	if err := checkCall(ctx, fn, clusterID); err != nil {
		return err
	}
	return c.setWhitelist(ctx, fn, clusterID, accountIDs)
}

func (c *Client) setWhitelist(ctx context.Context, fn, clusterID string, accountIDs []string) error {
	if err := checkAccounts(fn, accountIDs, 0); err != nil {
		return err
	}
	// Never nil: a nil slice encodes as null, which the spec (and the service) refuses.
	body := api.UpdateVpcepWhitelistRequest{VpcPermissions: append([]string{}, accountIDs...)}
	_, err := call(ctx, c, exchange[struct{}]{
		op: opUpdateWhitelist,
		build: func(server, projectID string) (*http.Request, error) {
			return api.NewUpdateVpcepWhitelistRequest(server, projectID, clusterID, body)
		},
		decode: decodeNothing(opUpdateWhitelist),
	})
	return err
}

// checkAccounts checks a list of account IDs, at least min of them.
func checkAccounts(fn string, accountIDs []string, min int) error {
	if reason := idrules.ListProblem(accountIDs, "account ID", idrules.AccountID, "an account ID (32 lower-case hexadecimal digits)", min, MaxWhitelist); reason != "" {
		return &ArgumentError{Func: fn, Name: "accountIDs", Reason: reason}
	}
	return nil
}

// WhitelistChange is what AddToWhitelist or RemoveFromWhitelist did.
type WhitelistChange struct {
	// Before and After are the account IDs of the whitelist before and after the change, in
	// the order the service listed them (accounts added come last).
	Before, After []string
	// Changed lists the accounts added or removed; empty when the whitelist already was as
	// asked, in which case nothing was written.
	Changed []string
}

// AddToWhitelist adds accountIDs to the whitelist of a cluster's VPC endpoint service. It is a
// read-modify-write: it reads the whitelist (Whitelist), adds the accounts that are not on it,
// and writes the result back (SetWhitelist), or writes nothing when every account already is.
// The service offers no guard against a change made by someone else between the read and the
// write: such a change is lost. Serialize the callers that change one whitelist.
//
// accountIDs is checked as SetWhitelist checks it, at least one; an entry of the whitelist
// that is not an account (not iam:domain::<account ID>) fails the call before anything is
// written, so that no entry is dropped unseen.
func (c *Client) AddToWhitelist(ctx context.Context, clusterID string, accountIDs ...string) (*WhitelistChange, error) {
	return c.changeWhitelist(ctx, "AddToWhitelist", clusterID, accountIDs, func(before []string) []string {
		after := slices.Clone(before)
		for _, id := range accountIDs {
			if !slices.Contains(after, id) {
				after = append(after, id)
			}
		}
		return after
	})
}

// RemoveFromWhitelist removes accountIDs from the whitelist of a cluster's VPC endpoint
// service, as a read-modify-write like AddToWhitelist, with the same lack of a guard against
// a concurrent change. Accounts that are not on the whitelist are ignored; when none is,
// nothing is written.
func (c *Client) RemoveFromWhitelist(ctx context.Context, clusterID string, accountIDs ...string) (*WhitelistChange, error) {
	return c.changeWhitelist(ctx, "RemoveFromWhitelist", clusterID, accountIDs, func(before []string) []string {
		return slices.DeleteFunc(slices.Clone(before), func(id string) bool { return slices.Contains(accountIDs, id) })
	})
}

func (c *Client) changeWhitelist(ctx context.Context, fn, clusterID string, accountIDs []string, change func([]string) []string) (*WhitelistChange, error) {
	if err := checkCall(ctx, fn, clusterID); err != nil {
		return nil, err
	}
	if err := checkAccounts(fn, accountIDs, 1); err != nil {
		return nil, err
	}
	perms, err := c.Whitelist(ctx, clusterID)
	if err != nil {
		if !errors.Is(err, ErrDryRun) {
			err = fmt.Errorf("client: %s: reading the whitelist: %w", fn, trimClient(err))
		}
		return nil, err
	}
	before := make([]string, 0, len(perms))
	for i, p := range perms {
		id, ok := p.AccountID()
		if !ok {
			return nil, fmt.Errorf("client: %s: whitelist entry %d is %s of type %s, not an account: writing the whitelist back would drop it, so nothing was written",
				fn, i, quote.Value(p.Permission), quote.Value(p.Type))
		}
		before = append(before, id)
	}
	after := change(before)
	ch := &WhitelistChange{Before: before, After: after}
	for _, id := range accountIDs {
		if slices.Contains(before, id) != slices.Contains(after, id) {
			ch.Changed = append(ch.Changed, id)
		}
	}
	if len(ch.Changed) == 0 {
		return ch, nil
	}
	if err := c.setWhitelist(ctx, fn, clusterID, after); err != nil {
		return nil, err
	}
	return ch, nil
}

// trimClient removes the package's "client: " from err's text, for an error wrapped in another
// of the package's: errors.As still finds what err holds.
func trimClient(err error) error {
	return &prefixTrimmed{err: err}
}

type prefixTrimmed struct{ err error }

func (e *prefixTrimmed) Error() string { return strings.TrimPrefix(e.err.Error(), "client: ") }

func (e *prefixTrimmed) Unwrap() error { return e.err }
