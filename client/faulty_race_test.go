//go:build race

package client

// allocFactor scales the allocation bounds of TestClient_ListConnections_hugeBodies: under the
// race detector the same reads allocate twice as much (measured: 128 MiB instead of 64 MiB for
// a 16 MiB limit).
const allocFactor = 2
