package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/mockserver"
)

// TestLoadAgainstTheMock runs gwsmock load on both transports against the
// in-process mock: every operation succeeds and every message arrives, in
// order, once.
func TestLoadAgainstTheMock(t *testing.T) {
	srv := &mockserver.Server{}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for _, transport := range []string{"long-polling", "websocket"} {
		t.Run(transport, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var stdout, stderr bytes.Buffer
			err := Run(ctx, []string{"load", "--target", srv.URL(), "--transport", transport,
				"--rate", "60", "--duration", "1s", "--warmup", "0", "--quiet"}, &stdout, &stderr)
			if err != nil {
				t.Fatalf("load: %v\n%s%s", err, stdout.String(), stderr.String())
			}
			out := stdout.String()
			for _, want := range []string{"| transport | agents | ops/s", "| " + transport + " | 4 | "} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "error:") || strings.Contains(out, "unexpected") {
				t.Errorf("load reported problems:\n%s", out)
			}
		})
	}
}

func TestLoadUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no target", []string{"load"}, "--target is required"},
		{"bad agents", []string{"load", "--target", "http://127.0.0.1:1", "--agents", "alice"}, "userName:password"},
		{"bad transport", []string{"load", "--target", "http://127.0.0.1:1", "--transport", "smoke"}, "transport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := Run(context.Background(), tt.args, &stdout, &stderr)
			if err == nil || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("Run(%q) = %v, stderr %q; want an error saying %q", tt.args, err, stderr.String(), tt.want)
			}
		})
	}
}
