// Package wait provides the tests' one way to wait for a condition that
// another goroutine or process makes true: poll it until it holds, with a
// deadline that is only a safety net, so no test sleeps and hopes.
package wait

import (
	"testing"
	"time"
)

// Timeout is how long For polls before it fails the test. It is a safety
// net against a hang, not a measure: a passing test never comes near it.
const Timeout = 10 * time.Second

// interval is the pause between two polls.
const interval = 5 * time.Millisecond

// For polls cond until it holds, and fails tb with "timed out waiting for
// <what>" if Timeout passes first. cond runs on the calling goroutine.
func For(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(Timeout)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}
