package main

import (
	"testing"

	"github.com/gwsmock/gwsmock/internal/wait"
)

// TestServeSimulateCreatesInteractions: `gwsmock serve --simulate` with a
// seed and a fast rate fills the contact center with customers of every
// channel, seen in GET /control/v1/state, and its agents' notifications in
// the journal.
func TestServeSimulateCreatesInteractions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	c := client{t: t, base: startServe(t, buildBinary(t),
		"--simulate", "--simulate-seed", "1", "--simulate-rate", "email=20/s,chat=20/s,workitem=20/s")}
	wait.For(t, "an email, a chat and a workitem in GET /control/v1/state", func() bool {
		state := c.do("", "GET", "/control/v1/state", "", 200)
		for _, ch := range []string{"email", "chat", "workitem"} {
			if !state.Get(`interactions.#(channel=="` + ch + `").id`).Exists() {
				return false
			}
		}
		return true
	})
	if !c.do("", "GET", "/control/v1/journal", "", 200).Get(`entries.#(kind=="notification")`).Exists() {
		t.Fatal("the simulated arrivals left no notification in the journal")
	}
}
