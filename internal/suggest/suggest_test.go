package suggest

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"alice", "alice", 0},
		{"alcie", "alice", 1},
		{"abc", "cab", 2},
		{"Alice", "alice", 0},
		{"it.url", "it.uri", 1},
		{"kitten", "sitting", 3},
		{"héllo", "hello", 1},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestClosestAndLikely(t *testing.T) {
	vars := []string{"alice.id", "alice.userName", "bob.id", "it", "it.uri", "queues.email-inbound"}
	tests := []struct {
		name string
		word string
		n    int
		got  func(string, []string, int) []string
		want []string
	}{
		{"closest first, not alphabetical", "it.url", 2, Closest, []string{"it.uri", "it"}},
		{"ties alphabetical", "bob.di", 1, Closest, []string{"bob.id"}},
		{"no more than there are", "x", 10, Closest, vars},
		{"likely: a typo", "alice.idd", 3, Likely, []string{"alice.id"}},
		{"likely: nothing near", "carol.password", 3, Likely, nil},
		{"likely: a tag", "@atuh", 2, Likely, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.got(tt.word, vars, tt.n)
			if tt.name == "no more than there are" {
				if len(got) != len(vars) {
					t.Errorf("got %q, want all %d", got, len(vars))
				}
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := Likely("@atuh", []string{"@auth", "@listing"}, 2); !slices.Equal(got, []string{"@auth"}) {
		t.Errorf("Likely(@atuh) = %q, want [@auth]", got)
	}
}
