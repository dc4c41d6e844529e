package client

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// cloudSettings is what a cloud of clouds.yaml (with secure.yaml) gives.
type cloudSettings struct {
	name, file             string
	authURL                string
	username, password     string
	userDomain             string
	projectID, projectName string
	token                  string
	region                 string
}

// readCloud reads the cloud called name from the first clouds.yaml of cloudsLocations, with
// gophercloud's clouds package (which merges secure.yaml beside it, and a profile of
// clouds-public.yaml). The values of the process's own OS_* variables that the package would
// otherwise read in are not taken: NewFromEnvFunc applies the variables of its lookup itself.
func readCloud(lookup func(string) (string, bool), name string) (*cloudSettings, error) {
	locs := cloudsLocations(lookup)
	file := ""
	for _, l := range locs {
		if st, err := os.Stat(l); err == nil && st.Mode().IsRegular() {
			file = l
			break
		}
	}
	if file == "" {
		return nil, fmt.Errorf("cloud %s: no clouds.yaml in %s", quote.Value(name), strings.Join(locs, ", "))
	}
	ao, eo, _, err := clouds.Parse(clouds.WithCloudName(name), clouds.WithLocations(file),
		clouds.WithRegion(""), clouds.WithEndpointType(""))
	if err != nil {
		// The package's messages name the cloud and the file's problem; a YAML error quotes
		// no value of the file.
		return nil, fmt.Errorf("cloud %s in %s: %s", quote.Value(name), file, quote.Line(err.Error(), maxErrorText))
	}
	c := &cloudSettings{
		name: name, file: file,
		authURL:     ao.IdentityEndpoint,
		username:    ao.Username,
		password:    ao.Password,
		userDomain:  ao.DomainName,
		projectID:   ao.TenantID,
		projectName: ao.TenantName,
		token:       ao.TokenID,
		region:      eo.Region,
	}
	if ao.UserID != "" && ao.Username == "" {
		return nil, fmt.Errorf("cloud %s in %s: signing in with a user ID (user_id) is not supported: give username and user_domain_name", quote.Value(name), file)
	}
	if ao.ApplicationCredentialID != "" || ao.ApplicationCredentialName != "" {
		return nil, errors.New("cloud " + quote.Value(name) + " in " + file + ": application credentials are not supported: give username, password and user_domain_name")
	}
	return c, nil
}
