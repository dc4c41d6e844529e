//go:build race

package soak

func init() { raceEnabled = true }
