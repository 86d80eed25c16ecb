package mockserver_test

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"github.com/tidwall/gjson"
)

// TestConcurrentAgentsKeepStateConsistent: four agents hammer the same
// interactions with Accept, Reject and Transfer at once over HTTP. Whatever
// wins, every interaction ends with at most one owner, none is lost or
// duplicated, and no request gets a 5xx.
func TestConcurrentAgentsKeepStateConsistent(t *testing.T) {
	h := newHarness(t)
	const n = 12
	ids := make([]string, n)
	for i := range ids {
		ids[i] = h.create(newEmail)
	}
	agents := []string{"alice", "bob", "carol", "dave"}
	ops := []string{
		`{"operationName":"Accept"}`,
		`{"operationName":"Reject"}`,
		`{"operationName":"Transfer","targetId":"%s"}`,
	}
	var wg sync.WaitGroup
	for ai, agent := range agents {
		wg.Add(1)
		go func(seed int64, agent string) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for i := 0; i < 60; i++ {
				id := ids[rng.Intn(n)]
				body := ops[rng.Intn(len(ops))]
				if rng.Intn(3) == 2 {
					body = fmt.Sprintf(ops[2], agents[rng.Intn(len(agents))])
				} else if body == ops[2] {
					body = ops[0]
				}
				r := h.request(agent, "POST", "/api/v2/me/interactions/"+id, body)
				if r.status >= 500 {
					t.Errorf("%s %s -> %d %s", agent, body, r.status, r.body)
				}
			}
		}(int64(ai+1), agent)
	}
	wg.Wait()

	state := gjson.Parse(h.state())
	seen := map[string]int{}
	for _, in := range state.Get("interactions").Array() {
		id := in.Get("id").String()
		seen[id]++
		owners, offers := 0, 0
		for _, p := range in.Get("participants").Array() {
			switch p.Get("role").String() {
			case "Owner":
				owners++
				if p.Get("userId").String() != in.Get("ownerId").String() {
					t.Errorf("%s: owner participant %s but ownerId %s", id, p.Get("userId"), in.Get("ownerId"))
				}
			case "Invited":
				offers++
			}
		}
		if owners > 1 || owners+offers > 1 {
			t.Errorf("%s has %d owners and %d open offers: %s", id, owners, offers, in.Raw)
		}
		if owners == 0 && in.Get("ownerId").String() != "" {
			t.Errorf("%s has ownerId %s but no owner participant", id, in.Get("ownerId"))
		}
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("interaction %s appears %d times in the state", id, seen[id])
		}
	}
	if len(seen) != n {
		t.Errorf("state holds %d interactions, want %d", len(seen), n)
	}
	// Each agent's own list agrees with the state: no interaction is listed
	// for two owners.
	ownedBy := map[string]string{}
	for _, agent := range agents {
		r := h.request(agent, "GET", "/api/v2/me/interactions?fields=*", "")
		for _, in := range r.json().Get("interactions").Array() {
			if in.Get("state").String() != "Processing" {
				continue
			}
			id := in.Get("id").String()
			if in.Get("ownerId").String() != in.Get(`participants.#(userName=="`+agent+`").userId`).String() {
				continue // a conference member, not the owner
			}
			if prev, dup := ownedBy[id]; dup {
				t.Errorf("%s is owned by both %s and %s", id, prev, agent)
			}
			ownedBy[id] = agent
		}
	}
}
