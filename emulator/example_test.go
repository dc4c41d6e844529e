package emulator_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
)

// Serve the emulator on a free port, with token authentication, and call it with package
// client, as a program under test would.
func Example() {
	e, err := emulator.New(emulator.WithToken("local-token"), emulator.WithSynthetic(emulator.DefaultProjectID, "big", 25))
	if err != nil {
		log.Fatal(err)
	}
	l, err := new(net.ListenConfig).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.Serve(l) }()

	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	c, err := client.New(
		client.WithEndpoint("http://"+l.Addr().String()),
		client.WithProjectID(emulator.DefaultProjectID),
		client.WithToken("local-token"),
		client.WithHTTPClient(&http.Client{Transport: transport}),
	)
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.ListConnections(context.Background(), "big", &client.ListOptions{Offset: 20})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d of %d connections\n", len(page.Connections), page.TotalCount)

	_, err = c.ListConnections(context.Background(), "no-such-cluster", nil)
	fmt.Println("not found:", client.IsNotFound(err))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Shutdown(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-served)
	// Output:
	// 5 of 25 connections
	// not found: true
	// http: Server closed
}
