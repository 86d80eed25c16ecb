package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestServeBannerKeepsTheHostName: `serve --addr localhost:...` printed
// 127.0.0.1, the address the listener reported, so a person opened the
// frontend on one host name and the API on another. The banner shows the
// host as given and the port bound.
func TestServeBannerKeepsTheHostName(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "localhost:0", "--log-level", "error"}, w, io.Discard)
		_ = w.Close()
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case line := <-lines:
		if !strings.Contains(line, "listening on http://localhost:") || strings.HasSuffix(line, ":0") {
			t.Errorf("banner %q, want it to name http://localhost:<the port bound>", line)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve printed no banner within 20s")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
