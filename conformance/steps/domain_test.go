package steps

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/internal/bayeux"
)

// fakeListener is a listener without a session, holding the messages given
// on the interactions channel.
func fakeListener(user string, msgs int) *listener {
	l := &listener{user: user, queues: map[string][]received{}, wake: make(chan struct{})}
	for range msgs {
		l.queues[interactionsChannel] = append(l.queues[interactionsChannel], received{channel: interactionsChannel, data: json.RawMessage(`{}`)})
	}
	return l
}

func TestFirstToReceive(t *testing.T) {
	tests := []struct {
		name  string
		held  []int // messages each listener already holds
		later int   // the listener a message arrives for after the call, -1 for none
		want  string
	}{
		{name: "one holds a message", held: []int{0, 1, 0}, later: -1, want: "u1"},
		{name: "the first of several that hold one", held: []int{0, 2, 1}, later: -1, want: "u1"},
		{name: "a message arrives while waiting", held: []int{0, 0, 0}, later: 2, want: "u2"},
		{name: "nobody receives anything", held: []int{0, 0}, later: -1, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls := make([]*listener, len(tt.held))
			for i, n := range tt.held {
				ls[i] = fakeListener("u"+string(rune('0'+i)), n)
			}
			d := 50 * time.Millisecond
			if tt.later >= 0 {
				d = 5 * time.Second
				go ls[tt.later].add(bayeux.Message{Channel: interactionsChannel, Data: json.RawMessage(`{}`)})
			}
			l, err := firstToReceive(context.Background(), ls, interactionsChannel, d)
			if tt.want == "" {
				if !errors.Is(err, errNoMessage) {
					t.Fatalf("got %v, %v; want errNoMessage", l, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("firstToReceive: %v", err)
			}
			if got := l.user; got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if n := len(l.queues[interactionsChannel]); n == 0 {
				t.Errorf("the message was taken; it should be left for the receive step")
			}
		})
	}
}

func TestFirstToReceiveStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := firstToReceive(ctx, []*listener{fakeListener("u0", 0)}, interactionsChannel, 5*time.Second)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestCapsSet(t *testing.T) {
	tests := []struct {
		name      string
		caps      []string
		want      string
		wantCount int // Calls that check the count
	}{
		{name: "none", caps: []string{}, want: `[]`, wantCount: 0},
		{name: "an offer", caps: []string{"Accept", "Reject"}, want: `["{{contains}}","Accept","Reject"]`, wantCount: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(capsSet(tt.caps)); got != tt.want {
				t.Errorf("capsSet = %s, want %s", got, tt.want)
			}
			if got := len(capsCount("alice", "capabilities", tt.caps)); got != tt.wantCount {
				t.Errorf("capsCount gives %d calls, want %d", got, tt.wantCount)
			}
		})
	}
}
