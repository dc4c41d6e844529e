// Package pagegen makes the large pages of connections that the benchmarks and tests of
// contract and client measure and check against: the same bytes for the same arguments, every
// field of the current API reference page's example filled in.
package pagegen

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
)

// owners are the accounts the connections belong to and the whitelist holds.
var owners = []string{
	"db9b76a0d9ae431f8e85e89da2ca867c",
	"5c1e0b1d7f2a4e6b9a8d3c2f1e0d9c8b",
	"0a1b2c3d4e5f60718293a4b5c6d7e8f9",
}

// Body returns, as ShowVpcepConnection's 200 body, a page of n connections starting at
// connection number from, of total in all: time stamps in both documented forms (one
// connection in ten updated with a zone-less update_at, one in ten with a zoned one, the rest
// never updated), one in three rejected, three whitelist entries. A page of 1,000 is about
// 225 kB.
func Body(from, n, total int) []byte {
	data, err := json.Marshal(List(from, n, total))
	if err != nil {
		panic(err) // the api types always encode
	}
	return data
}

// List is the page Body encodes.
func List(from, n, total int) api.ConnectionList {
	base := time.Date(2023, 10, 12, 7, 33, 16, 0, time.UTC)
	list := api.ConnectionList{
		Connections:       make([]api.Connection, 0, n),
		TotalCount:        int32(total),
		VpcServiceName:    ptr("cn-north-4.css-op-no-delete.cf072729-b076-49db-83d3-020dc9f589bd"),
		VpcepUpdateSwitch: ptr(api.FlexBool(false)),
	}
	for i := from; i < from+n; i++ {
		c := api.Connection{
			Id:                fmt.Sprintf("%08x-31a1-40d0-862b-%012x", 0x54b7f739+i, 0xac85b83ab2da+i*7919),
			Status:            api.Accepted,
			MaxSession:        ptr("3000"),
			SpecificationName: ptr("default"),
			VpcepIp:           ptr(fmt.Sprintf("192.168.%d.%d", i/254%256, 1+i%254)),
			CreatedAt:         &api.FlexTime{Raw: base.Add(time.Duration(i*3607) * time.Second).Format(time.RFC3339)},
			DomainId:          ptr(owners[i%len(owners)]),
		}
		if i%3 == 2 {
			c.Status = api.Rejected
		}
		switch i % 10 {
		case 4:
			c.UpdateAt = &api.FlexTime{Raw: base.Add(time.Duration(i*7211) * time.Second).Format("2006-01-02T15:04:05")}
		case 7:
			c.UpdateAt = &api.FlexTime{Raw: base.Add(time.Duration(i*7211) * time.Second).Format(time.RFC3339)}
		}
		list.Connections = append(list.Connections, c)
	}
	perms := make([]api.Permission, 0, len(owners))
	for i, o := range owners {
		perms = append(perms, api.Permission{
			Id:             ptr(fmt.Sprintf("432a6429-f377-4168-8b24-feb5885af0%02x", i)),
			Permission:     ptr("iam:domain::" + o),
			PermissionType: ptr(api.DomainId),
			CreatedAt:      &api.FlexTime{Raw: "2023-10-12T07:33:11Z"},
		})
	}
	list.Permissions = &perms
	return list
}

func ptr[T any](v T) *T { return &v }
