package loadgen

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/internal/bayeux"
)

func TestParseAgents(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Agent
		wantErr  string
	}{
		{"two", "alice:alice123, bob:bob123", []Agent{{"alice", "alice123"}, {"bob", "bob123"}}, ""},
		{"colon in password", "alice:a:b", []Agent{{"alice", "a:b"}}, ""},
		{"no password", "alice", nil, "userName:password"},
		{"empty", " , ", nil, "no agent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAgents(tt.in)
			checkErr(t, err, tt.wantErr)
			checkAgents(t, got, tt.want)
		})
	}
}

func TestPatternAgents(t *testing.T) {
	got, err := PatternAgents("agent%04d", "pw%04d", 9, 2)
	checkErr(t, err, "")
	checkAgents(t, got, []Agent{{"agent0009", "pw0009"}, {"agent0010", "pw0010"}})

	got, err = PatternAgents("agent%d", "secret", 1, 2)
	checkErr(t, err, "")
	checkAgents(t, got, []Agent{{"agent1", "secret"}, {"agent2", "secret"}})

	_, err = PatternAgents("agent", "pw", 1, 2)
	checkErr(t, err, "twice")
	_, err = PatternAgents("agent%d", "pw", 1, 0)
	checkErr(t, err, "at least 1")
}

func TestAgentsFromTargetFile(t *testing.T) {
	got, err := AgentsFromTargetFile([]byte(`{"users":{
		"bob":   {"userName":"agent.two","password":"pw2"},
		"alice": {"userName":"agent.one","password":"pw1"},
		"admin": {"userName":"boss","password":"pw0"}}}`))
	checkErr(t, err, "")
	checkAgents(t, got, []Agent{{"agent.one", "pw1"}, {"agent.two", "pw2"}})

	_, err = AgentsFromTargetFile([]byte(`{"users":{"alice":{"userName":"a"}}}`))
	checkErr(t, err, "no password")
	_, err = AgentsFromTargetFile([]byte(`{"users":{}}`))
	checkErr(t, err, "no agent")
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 200; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	s := summarize(d)
	if s.P50 != 100*time.Millisecond || s.P99 != 198*time.Millisecond || s.Max != 200*time.Millisecond || s.Count != 200 {
		t.Errorf("summarize = %+v, want p50 100ms, p99 198ms, max 200ms, count 200", s)
	}
	if got := summarize(nil); got != (Summary{}) {
		t.Errorf("summarize(nil) = %+v", got)
	}
}

// TestTrackerClassifiesMessages drives the tracker as agents would: in
// order, out of order, duplicated, unexpected, late and foreign messages.
func TestTrackerClassifiesMessages(t *testing.T) {
	tr := newTracker()
	f := tr.open("run-1", true)
	t0 := time.Now()
	msg := func(ntype, state, token string) bayeux.Message {
		b, _ := json.Marshal(map[string]any{
			"messageTypeName": "InteractionStateMessage", "notificationType": ntype, "state": state,
			"id": "00009a8T8Y130123", "userData": map[string]any{"loadgen": token},
		})
		return bayeux.Message{Channel: "/v2/me/interactions", Data: b}
	}
	invited := f.expect(0, "StatusChange", "Invited", t0)
	processing := f.expect(0, "StatusChange", "Processing", t0)
	updated := f.expect(0, "PropertiesUpdated", "Processing", t0)
	other := f.expect(1, "StatusChange", "Invited", t0)

	tr.message(0, msg("StatusChange", "Invited", "run-1"), t0.Add(time.Millisecond))
	tr.message(0, msg("StatusChange", "Invited", "run-1"), t0.Add(time.Millisecond))           // duplicate
	tr.message(0, msg("PropertiesUpdated", "Processing", "run-1"), t0.Add(2*time.Millisecond)) // before Processing
	tr.message(0, msg("StatusChange", "Processing", "run-1"), t0.Add(3*time.Millisecond))      // in order now
	tr.message(0, msg("StatusChange", "Completed", "run-1"), t0.Add(3*time.Millisecond))       // unexpected
	tr.message(0, msg("StatusChange", "Invited", "another-run"), t0.Add(3*time.Millisecond))   // foreign
	tr.message(0, bayeux.Message{Channel: "/v2/me/channels", Data: json.RawMessage(`{"messageTypeName":"ChannelStateMessage"}`)}, t0)

	for _, e := range []*expectation{invited, processing, updated} {
		if !tr.await(e, time.Millisecond) {
			t.Errorf("expectation %s/%s not met", e.ntype, e.state)
		}
	}
	if tr.await(other, time.Millisecond) {
		t.Errorf("agent 1's message counted as received")
	}
	tr.message(1, msg("StatusChange", "Invited", "run-1"), time.Now()) // late

	var rep Report
	tr.fill(&rep)
	got := []int{rep.Messages, rep.Notify.Count, rep.Lost, rep.Late, rep.OutOfOrder, rep.Duplicates, rep.Unexpected}
	want := []int{6, 3, 1, 1, 1, 1, 1}
	if !slices.Equal(got, want) {
		t.Errorf("messages, timed, lost, late, out of order, duplicates, unexpected = %v, want %v", got, want)
	}
	if rep.Notify.Max != 3*time.Millisecond {
		t.Errorf("max latency %v, want 3ms", rep.Notify.Max)
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("error %v, want none", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("error %v, want one containing %q", err, want)
	}
}

func checkAgents(t *testing.T, got, want []Agent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("agents = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("agents = %v, want %v", got, want)
		}
	}
}
