package wait_test

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gwsmock/gwsmock/internal/wait"
)

// fatalTB records what Fatalf says and stops the goroutine, as testing does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestForReturnsOnceCondHolds: For polls until cond holds, then returns
// without failing.
func TestForReturnsOnceCondHolds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var polls atomic.Int32
		tb := &fatalTB{TB: t}
		wait.For(tb, "the third poll", func() bool { return polls.Add(1) == 3 })
		if tb.msg != "" {
			t.Fatalf("For failed: %s", tb.msg)
		}
		if got := polls.Load(); got != 3 {
			t.Fatalf("polls = %d, want 3", got)
		}
	})
}

// TestForFailsAfterTimeout: a condition that never holds fails the test
// after Timeout, naming what was awaited.
func TestForFailsAfterTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &fatalTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			wait.For(tb, "nothing", func() bool { return false })
		}()
		<-done
		if want := "timed out waiting for nothing"; tb.msg != want {
			t.Fatalf("message = %q, want %q", tb.msg, want)
		}
	})
}
