package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serveProc is a running `gwsmock serve`.
type serveProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	mu     sync.Mutex
	stderr bytes.Buffer
	exited chan error
}

func (p *serveProc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.Write(b)
}

func (p *serveProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// spawnServe starts `gwsmock serve` and returns once it listens, or once it
// exited (url "").
func spawnServe(t *testing.T, bin string, args ...string) *serveProc {
	t.Helper()
	p := &serveProc{t: t, exited: make(chan error, 1)}
	p.cmd = exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, args...)...)
	p.cmd.Stderr = p
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		close(lines)
		p.exited <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
		}
	})
	select {
	case line, ok := <-lines:
		if !ok {
			return p // exited without listening
		}
		i := strings.Index(line, "http://")
		if i < 0 {
			t.Fatalf("unexpected first line from serve: %q", line)
		}
		p.url = line[i:]
	case <-time.After(20 * time.Second):
		t.Fatalf("gwsmock serve printed no address within 20s; stderr:\n%s", p.log())
	}
	return p
}

// wait returns the exit error once the process ends.
func (p *serveProc) wait() error {
	p.t.Helper()
	select {
	case err := <-p.exited:
		return err
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		p.t.Fatalf("gwsmock serve did not exit within 20s; stderr:\n%s", p.log())
	}
	return nil
}

// TestStateFileSurvivesKillTerm: interactions made on one gwsmock are all
// there, as they were, on the next one started with the same --state-file
// after kill -TERM.
func TestStateFileSurvivesKillTerm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	path := filepath.Join(t.TempDir(), "state.json")
	// A long interval: what the file holds at the end is the shutdown's write.
	first := spawnServe(t, bin, "--state-file", path, "--state-interval", "1h")
	if first.url == "" {
		t.Fatalf("serve exited: %s", first.log())
	}
	c := client{t: t, base: first.url}
	var ids []string
	for _, agent := range []string{"alice", "bob", "carol"} {
		id := c.do("", "POST", "/control/v1/interactions", `{"channel":"email","agent":"`+agent+`","email_object":{"subject":"for `+agent+`"}}`, 201).Get("id").String()
		c.op(agent, id, `{"operationName":"Accept"}`)
		ids = append(ids, id)
	}
	c.op("alice", ids[0], `{"operationName":"UpdateProperties","properties":{"priority":"high","tags":{"vip":true}}}`)
	c.op("bob", ids[1], `{"operationName":"StartConference","agentId":"dave"}`)
	c.op("dave", ids[1], `{"operationName":"Accept"}`)
	c.op("carol", ids[2], `{"operationName":"StopProcessing"}`)
	c.do("", "POST", "/control/v1/interactions", `{"channel":"chat","chat_object":{"nickname":"Pat"}}`, 201) // offered by routing
	c.do("", "PUT", "/control/v1/users/alice/channels/chat", `{"ready":false}`, 200)
	want := c.do("", "GET", "/control/v1/state", "", 200).Raw

	if err := first.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := first.wait(); err != nil {
		t.Fatalf("serve did not exit cleanly on SIGTERM: %v\n%s", err, first.log())
	}

	second := spawnServe(t, bin, "--state-file", path)
	if second.url == "" {
		t.Fatalf("restart exited: %s", second.log())
	}
	c2 := client{t: t, base: second.url}
	if got := c2.do("", "GET", "/control/v1/state", "", 200).Raw; got != want {
		t.Fatalf("state after restart differs\ngot:  %.3000s\nwant: %.3000s", got, want)
	}
	c2.wantState("alice", ids[0], "Processing")
	c2.op("alice", ids[0], `{"operationName":"StopProcessing"}`)
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.wait(); err != nil {
		t.Fatalf("second serve: %v\n%s", err, second.log())
	}
}

// TestCorruptStateFileStopsServe: serve refuses to start on a state file
// that does not load, says why, and leaves the file alone.
func TestCorruptStateFileStopsServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	path := filepath.Join(t.TempDir(), "state.json")
	const corrupt = `{"version": 1, "users": [`
	if err := os.WriteFile(path, []byte(corrupt), 0o600); err != nil {
		t.Fatal(err)
	}
	p := spawnServe(t, bin, "--state-file", path)
	if p.url != "" {
		t.Fatalf("serve started on a corrupt state file at %s", p.url)
	}
	err := p.wait()
	if err == nil {
		t.Fatal("serve exited 0 on a corrupt state file")
	}
	for _, want := range []string{path, "not JSON", "nothing was loaded"} {
		if !strings.Contains(p.log(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, p.log())
		}
	}
	if b, _ := os.ReadFile(path); string(b) != corrupt {
		t.Error("the corrupt file was changed")
	}
}
