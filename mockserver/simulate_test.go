package mockserver_test

import (
	"testing"

	"github.com/gwsmock/gwsmock/internal/wait"
	"github.com/gwsmock/gwsmock/mockserver"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// TestSimulationPlaysOnlyAgentsWithoutCometD: with Simulate set, customers
// arrive and are seen in the state and the journal; an agent nobody is
// logged in as is made Ready, an agent with a CometD session is left alone.
func TestSimulationPlaysOnlyAgentsWithoutCometD(t *testing.T) {
	rates, err := mockserver.ParseSimulationRates("email=0,workitem=0,chat=50/s")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(s *mockserver.Server) { s.Simulate = &mockserver.Simulation{Rates: rates, Seed: 1} })
	// alice logs in over CometD, then both log out: from bob's logout on,
	// every arrival finds alice logged in and both NotReady.
	if m := h.bayeuxPost("alice", handshakeBody); len(m) != 1 || !m[0].Get("successful").Bool() {
		t.Fatalf("alice's handshake = %v", m)
	}
	for _, user := range []string{"alice", "bob"} {
		h.operate(user, "POST", "/api/v2/me", `{"operationName":"EndContactCenterSession"}`)
	}
	center := h.srv.Center()
	bob, _ := center.UserByName("bob")
	alice, _ := center.UserByName("alice")
	wait.For(t, "an arrival after bob's logout", func() bool {
		return ready(t, center, bob.ID) && len(center.Snapshot().Interactions) > 0
	})
	// One arrival staffs every agent, in the fixture's order, before it
	// creates: alice's turn came before bob's.
	if ready(t, center, alice.ID) {
		t.Fatal("alice holds a CometD session, yet the simulation made her Ready")
	}
	if got := h.request("", "GET", "/control/v1/state", "").json().Get(`interactions.#(channel=="chat").id`); !got.Exists() {
		t.Fatal("GET /control/v1/state shows no chat")
	}
	if n := h.request("", "GET", "/control/v1/journal?user=bob", "").json().Get("entries.#(kind==\"notification\")").Exists(); !n {
		t.Fatal("no notification to bob in the journal")
	}
}

func ready(t *testing.T, c *contactcenter.Center, userID string) bool {
	t.Helper()
	r, err := c.Readiness(userID)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range r {
		if x.Ready {
			return true
		}
	}
	return false
}
