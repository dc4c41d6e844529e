package soak

import (
	"testing"

	"go.uber.org/goleak"
)

// raceEnabled is true under the race detector (race_test.go), which makes every request
// several times as costly: the soak then runs fewer clients.
var raceEnabled bool

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
