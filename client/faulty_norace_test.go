//go:build !race

package client

// allocFactor scales the allocation bounds of TestClient_ListConnections_hugeBodies; see
// faulty_race_test.go.
const allocFactor = 1
