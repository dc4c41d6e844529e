// Package soak holds no code of its own: it exists for its test, a bounded soak of package
// client against package emulator on loopback. Concurrent clients (half with a token, half
// signing with AK/SK) list connections for a fixed time while the emulator injects 429 and 503
// answers into 20% of the requests and adds latency; the test reports the calls, retries and
// failures (which must be none), the latency per call, and the process's resident memory after
// a warm-up and at the end, which must not grow beyond noise.
//
//	go test ./internal/soak                                    # 5 seconds, as in CI
//	go test -v -run TestSoak ./internal/soak -soak.duration=60s # make soak
//
// SOAK_DURATION (such as 60s) sets the duration when -soak.duration is not given.
package soak
