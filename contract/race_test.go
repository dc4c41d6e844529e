//go:build race

package contract_test

func init() { raceEnabled = true }
