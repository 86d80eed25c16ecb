package benchreport

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/fixtures"
)

func TestFixtureIsAValidStateDocument(t *testing.T) {
	snap, err := fixtures.Decode(Fixture(3, 100))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(snap.Users) != 3 || snap.Users[2].UserName != "agent00003" || snap.Users[2].Password != "pw00003" {
		t.Errorf("users = %+v", snap.Users)
	}
	if got := Agents(2); got[1].UserName != "agent00002" || got[1].Password != "pw00002" {
		t.Errorf("Agents(2) = %v", got)
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	WriteTable(&b, []Row{
		{Figure: "a | b", Value: "1", Goal: "≤ 2", Pass: pass(true)},
		{Figure: "c", Value: "3", Goal: "≤ 2", Pass: pass(false), Note: "line\nbreak"},
		{Figure: "d", Value: "4", Goal: "—"},
	})
	want := "| figure | measured | goal | result | how |\n|---|---|---|---|---|\n" +
		"| a \\| b | 1 | ≤ 2 | ✅ pass |  |\n" +
		"| c | 3 | ≤ 2 | ❌ miss | line break |\n" +
		"| d | 4 | — | — |  |\n"
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestRunSmall runs every figure but the conformance suite at a tiny
// scale against a freshly built binary, so that make bench does not rot.
func TestRunSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs servers")
	}
	bin := filepath.Join(t.TempDir(), "gwsmock")
	build := exec.Command("go", "build", "-o", bin, "github.com/gwsmock/gwsmock/cmd/gwsmock")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rows, err := Run(ctx, Options{
		Bin: bin, Reps: 1, Concurrency: 2, RESTDuration: 100 * time.Millisecond,
		Agents: 6, Rate: 60, LatencyDuration: 300 * time.Millisecond, Sessions: 20, StartupRuns: 1,
		Only: []string{"startup", "rest", "latency", "memory"}, TempDir: t.TempDir(),
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(rows) != 7 {
		t.Errorf("%d rows, want 7", len(rows))
	}
	for _, r := range rows {
		if r.Value == "not measured" || strings.Contains(r.Note, "error:") {
			t.Errorf("%s: %s (%s)", r.Figure, r.Value, r.Note)
		}
	}
}

func TestParseWrk(t *testing.T) {
	ok := "Running 2s test @ http://x\n  2 threads and 32 connections\nRequests/sec:  12345.67\nTransfer/sec:      2.00MB\n"
	tests := []struct {
		name    string
		out     string
		want    float64
		wantErr bool
	}{
		{"report", ok, 12345.67, false},
		{"non-2xx answers", ok + "  Non-2xx or 3xx responses: 7\n", 0, true},
		{"socket errors", "  Socket errors: connect 0, read 1, write 0, timeout 0\n" + ok, 0, true},
		{"no figure", "unable to connect\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseWrk([]byte(tt.out))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseWrk = %v, %v; want %v (error %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
