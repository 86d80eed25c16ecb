package conformance

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/conformance/steps"
)

func TestParseMappingPools(t *testing.T) {
	pool := func(prefix string) string {
		return `{"users": {"alice": {"userName": "` + prefix + `a", "password": "p"}, "bob": {"userName": "` + prefix + `b", "password": "p"},
		  "carol": {"userName": "` + prefix + `c", "password": "p"}, "dave": {"userName": "` + prefix + `d", "password": "p"}, "admin": {"userName": "` + prefix + `x", "password": "p"}},
		 "queues": {"email-inbound": "` + prefix + `e", "chat-inbound": "` + prefix + `c", "workitem-inbound": "` + prefix + `w"},
		 "workbins": {"alice-workbin": {"name": "` + prefix + `1"}, "bob-workbin": {"name": "` + prefix + `2"}, "carol-workbin": {"name": "` + prefix + `3"},
		  "dave-workbin": {"name": "` + prefix + `4"}, "team-workbin": {"name": "` + prefix + `5"}}}`
	}
	tests := []struct {
		name    string
		file    string
		pools   int
		wantErr string
	}{
		{name: "two pools", file: `{"pools": [` + pool("p1-") + `, ` + pool("p2-") + `]}`, pools: 2},
		{name: "no pools", file: `{"users": {"alice": {"userName": "a1", "password": "p"}}}`, pools: 0},
		{
			name: "a pool that leaves a user to the default", file: `{"pools": [{"users": {"alice": {"userName": "a1", "password": "p"}}}]}`,
			wantErr: "pools[0].users: the pool does not map admin; each pool maps every one of admin, alice, bob, carol, dave",
		},
		{name: "pools beside users", file: `{"users": {"alice": {"userName": "a1", "password": "p"}}, "pools": [` + pool("p1-") + `]}`, wantErr: "not beside them"},
		{name: "a misspelt user in a pool", file: `{"pools": [{"users": {"alcie": {"userName": "a1", "password": "p"}}}]}`, wantErr: "pools[0].users.alcie: the scenarios have no user alcie (did you mean alice?)"},
		{name: "a pool of pools", file: `{"pools": [` + pool("p1-") + `, {"pools": [` + pool("p") + `]}]}`, wantErr: "pools[1]: a pool holds no pools"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMapping([]byte(tt.file))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseMapping: %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Pools) != tt.pools {
				t.Errorf("%d pools, want %d", len(m.Pools), tt.pools)
			}
			if len(m.groups()) != max(1, tt.pools) {
				t.Errorf("%d groups", len(m.groups()))
			}
		})
	}
}

// TestPooledTargetFile: the shipped target file maps every pool fully, and
// no two pools share a user, queue or workbin.
func TestPooledTargetFile(t *testing.T) {
	b, err := os.ReadFile("pooled-target.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMapping(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Pools) != 8 {
		t.Errorf("%d pools, want 8", len(m.Pools))
	}
	seen := map[string]int{}
	for i, p := range m.Pools {
		for _, u := range p.Users {
			seen["user "+u.UserName]++
		}
		for _, q := range p.Queues {
			seen["queue "+q]++
		}
		for _, wb := range p.Workbins {
			seen["workbin "+wb.Name]++
		}
		if len(p.Users) != 5 {
			t.Errorf("pool %d maps %d users", i, len(p.Users))
		}
	}
	for name, n := range seen {
		if n > 1 {
			t.Errorf("%s is in %d pools", name, n)
		}
	}
}

// TestLanes: driver scenarios take one lane each, side by side; a @mock
// scenario takes a whole target once nothing runs on it, and no driver
// scenario starts on that target while it waits.
func TestLanes(t *testing.T) {
	cfgs := []*steps.Config{{}, {}, {}}
	l := newLanes([]string{"http://t"}, cfgs, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a, err := l.acquire(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := l.acquire(ctx, false)
	if a.lane() == b.lane() {
		t.Fatalf("two driver scenarios on one lane")
	}
	var (
		mu    sync.Mutex
		order []string
	)
	note := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, s)
	}
	mockDone := make(chan lease)
	go func() {
		m, err := l.acquire(ctx, true)
		if err != nil {
			t.Error(err)
		}
		note("mock")
		mockDone <- m
	}()
	// Wait until the mock waits: then a driver scenario must wait too.
	for {
		l.mu.Lock()
		w, changed := l.waiting[0], l.changed
		l.mu.Unlock()
		if w == 1 {
			break
		}
		<-changed
	}
	driverDone := make(chan lease)
	go func() {
		d, err := l.acquire(ctx, false)
		if err != nil {
			t.Error(err)
		}
		note("driver")
		driverDone <- d
	}()
	l.release(a, false)
	l.release(b, false)
	m := <-mockDone
	if len(m.held) != 3 || m.lane().group != 0 {
		t.Errorf("the mock holds %d lanes, runs on group %d", len(m.held), m.lane().group)
	}
	l.release(m, true)
	d := <-driverDone
	l.release(d, false)
	if strings.Join(order, ",") != "mock,driver" {
		t.Errorf("order %v, want the waiting mock first", order)
	}
}

// TestLanesMocksAtTheEnd: with the driver scenarios counted, a @mock
// scenario waits until they have all ended, although lanes are free.
func TestLanesMocksAtTheEnd(t *testing.T) {
	l := newLanes([]string{"http://t"}, []*steps.Config{{}, {}}, 2)
	l.drivers = 2
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	mockDone := make(chan lease)
	go func() {
		m, err := l.acquire(ctx, true)
		if err != nil {
			t.Error(err)
		}
		mockDone <- m
	}()
	for range 2 {
		d, err := l.acquire(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-mockDone:
			t.Fatal("the mock ran before the driver scenarios ended")
		default:
		}
		l.release(d, false)
	}
	l.release(<-mockDone, true)
}
