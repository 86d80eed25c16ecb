package contactcenter

import (
	"fmt"
	"testing"
)

// discardSink drops events; benchmarks measure the transitions, not a sink.
type discardSink struct{}

func (discardSink) Publish([]Event) {}

func benchCenter(b *testing.B, snap Snapshot) *Center {
	b.Helper()
	c, err := New(Config{Sink: discardSink{}, NewID: NewIDSource(7)}, snap)
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	return c
}

// BenchmarkOfferAcceptStop measures one interaction's life under the state
// lock: a direct offer (control Create with an agent), Accept and
// StopProcessing, three transitions with their events.
func BenchmarkOfferAcceptStop(b *testing.B) {
	c := benchCenter(b, fixture())
	b.ReportAllocs()
	for b.Loop() {
		v, err := c.Create(NewInteraction{Channel: Email, Agent: "alice", ChannelData: map[string]any{"subject": "bench"}})
		if err != nil {
			b.Fatal(err)
		}
		if err := errOf(c.Accept(aliceID, v.ID)); err != nil {
			b.Fatal(err)
		}
		if err := errOf(c.StopProcessing(aliceID, v.ID)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateProperties measures one transition on a held interaction:
// a JSON Merge Patch and its event.
func BenchmarkUpdateProperties(b *testing.B) {
	c := benchCenter(b, fixture())
	v, err := c.Create(NewInteraction{Channel: Email, Agent: "alice"})
	if err != nil {
		b.Fatal(err)
	}
	if err := errOf(c.Accept(aliceID, v.ID)); err != nil {
		b.Fatal(err)
	}
	patch := map[string]any{"step": "updated", "nested": map[string]any{"n": 1.0}}
	b.ReportAllocs()
	for b.Loop() {
		if err := errOf(c.UpdateProperties(aliceID, v.ID, patch)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRouteAmong1000Agents measures a routed arrival with 1,000
// Ready agents: the queue's best agent is chosen in the transition.
func BenchmarkRouteAmong1000Agents(b *testing.B) {
	snap := fixture()
	snap.Users = nil
	for i := range 1000 {
		snap.Users = append(snap.Users, agent(fmt.Sprintf("%032x", i+1), fmt.Sprintf("agent%04d", i+1), "Agent"))
	}
	snap.Workbins = nil
	c := benchCenter(b, snap)
	b.ReportAllocs()
	for b.Loop() {
		v, err := c.Create(NewInteraction{Channel: Email})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if len(v.Participants) != 1 {
			b.Fatalf("routed to %d agents, want 1", len(v.Participants))
		}
		owner := v.Participants[0].UserID
		if err := errOf(c.Accept(owner, v.ID)); err != nil {
			b.Fatal(err)
		}
		if err := errOf(c.StopProcessing(owner, v.ID)); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkMyInteractions measures the read behind GET /me/interactions
// for an agent holding three interactions.
func BenchmarkMyInteractions(b *testing.B) {
	c := benchCenter(b, fixture())
	for range 3 {
		v, err := c.Create(NewInteraction{Channel: Email, Agent: "alice", ChannelData: map[string]any{"subject": "bench"}})
		if err != nil {
			b.Fatal(err)
		}
		if err := errOf(c.Accept(aliceID, v.ID)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if n := len(c.MyInteractions(aliceID)); n != 3 {
			b.Fatalf("%d interactions, want 3", n)
		}
	}
}

// BenchmarkVersion measures the question a kept answer asks on every
// read (has anything changed?), by readers in parallel while a writer
// changes the state.
func BenchmarkVersion(b *testing.B) {
	c := benchCenter(b, fixture())
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // a writer, so that the state lock is taken
		defer close(done)
		for ready := false; ; ready = !ready {
			select {
			case <-stop:
				return
			default:
			}
			if err := errOf(c.SetReady(aliceID, Chat, ready)); err != nil {
				panic(err)
			}
		}
	}()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = c.Version()
		}
	})
	b.StopTimer()
	close(stop)
	<-done
}
