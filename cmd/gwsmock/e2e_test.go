package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/testusers"
)

// buildBinary builds gwsmock once per test into a temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gwsmock")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// startServe runs `gwsmock serve` on a free port and returns its base URL.
// The process gets SIGINT at cleanup and must exit cleanly.
func startServe(t *testing.T, bin string, args ...string) string {
	t.Helper()
	p := spawnServe(t, bin, args...)
	if p.url == "" {
		t.Fatalf("gwsmock serve exited without listening: %v\n%s", p.wait(), p.log())
	}
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(os.Interrupt)
		if err := p.wait(); err != nil {
			t.Errorf("gwsmock serve did not exit cleanly on SIGINT: %v\n%s", err, p.log())
		}
	})
	return p.url
}

type client struct {
	t    *testing.T
	base string
}

// do sends a request as user ("" = the control API, no credentials) and
// checks the status.
func (c client) do(user, method, path, body string, wantStatus int) gjson.Result {
	c.t.Helper()
	req := testusers.NewRequest(c.t, user, method, c.base+path, body)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != wantStatus {
		c.t.Fatalf("%s %s as %q = %d %s, want %d", method, path, user, res.StatusCode, b, wantStatus)
	}
	if !json.Valid(b) {
		c.t.Fatalf("%s %s: body is not JSON: %s", method, path, b)
	}
	return gjson.ParseBytes(b)
}

func (c client) op(user, id, body string) {
	c.t.Helper()
	got := c.do(user, "POST", "/api/v2/me/interactions/"+id, body, 200)
	if got.Get("status").String() != "ok" {
		c.t.Fatalf("%s %s: %s", user, body, got.Raw)
	}
}

// state returns the interaction as user sees it.
func (c client) state(user, id string) gjson.Result {
	c.t.Helper()
	return c.do(user, "GET", "/api/v2/interactions/"+id, "", 200).Get("interaction")
}

func (c client) wantState(user, id, want string) {
	c.t.Helper()
	if got := c.state(user, id).Get("state").String(); got != want {
		c.t.Fatalf("%s sees %s as %q, want %q", user, id, got, want)
	}
}

// TestServeWalksAnInteraction builds the binary, starts it, and takes one
// email through invite, accept, update, transfer, conference, leave and
// stop with plain HTTP requests, as a person with curl would.
func TestServeWalksAnInteraction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	c := client{t: t, base: startServe(t, buildBinary(t))}

	if got := c.do("", "GET", "/control/v1/health", "", 200).Get("status").String(); got != "ok" {
		t.Fatalf("health status = %q", got)
	}
	created := c.do("", "POST", "/control/v1/interactions", `{"channel":"email","email_object":{"subject":"Where is my order?","from":"pat@example.com","to":"support@example.com","body":"Hello"}}`, 201)
	id := created.Get("id").String()
	if !strings.HasSuffix(created.Get("uri").String(), "/api/v2/interactions/"+id) {
		t.Fatalf("created uri = %s", created.Get("uri"))
	}

	// Routed to alice: all four agents hold nothing, alice sorts first.
	c.wantState("alice", id, "Invited")
	mine := c.do("alice", "GET", "/api/v2/me/interactions", "", 200)
	if uris := mine.Get("uris").Array(); len(uris) != 1 || !strings.HasSuffix(uris[0].String(), id) {
		t.Fatalf("alice's uris = %s", mine.Raw)
	}
	c.op("alice", id, `{"operationName":"Accept"}`)
	c.wantState("alice", id, "Processing")
	c.do("alice", "POST", "/api/v2/me/interactions/"+id, `{"operationName":"Accept"}`, 409)

	c.op("alice", id, `{"operationName":"UpdateProperties","properties":{"priority":"high","tags":{"vip":true}}}`)
	if got := c.state("alice", id).Get("userData.tags.vip").Bool(); !got {
		t.Fatalf("userData not merged: %s", c.state("alice", id).Raw)
	}

	c.op("alice", id, `{"operationName":"Transfer","targetId":"bob"}`)
	c.wantState("bob", id, "Invited")
	c.op("bob", id, `{"operationName":"Accept"}`)
	c.wantState("bob", id, "Processing")
	if got := c.do("alice", "GET", "/api/v2/me/interactions", "", 200).Get("uris.#").Int(); got != 0 {
		t.Fatalf("alice still holds %d interactions after the transfer", got)
	}

	c.op("bob", id, `{"operationName":"StartConference","agentId":"carol"}`)
	c.wantState("carol", id, "InvitedConference")
	c.op("carol", id, `{"operationName":"Accept"}`)
	c.wantState("carol", id, "Processing")
	if got := c.state("bob", id).Get(`capabilities.#(=="EndConference")`).Exists(); !got {
		t.Fatalf("owner lacks EndConference during a conference: %s", c.state("bob", id).Raw)
	}
	c.op("carol", id, `{"operationName":"LeaveConference"}`)
	if got := c.do("carol", "GET", "/api/v2/me/interactions", "", 200).Get("uris.#").Int(); got != 0 {
		t.Fatalf("carol still holds the interaction after leaving")
	}

	c.op("bob", id, `{"operationName":"StopProcessing"}`)
	c.wantState("admin", id, "Completed")
	if got := c.do("admin", "GET", "/api/v2/interactions", "", 200).Get("uris.#").Int(); got != 0 {
		t.Fatalf("a completed interaction is still listed as active")
	}

	// Every step left a trace in the journal, notifications included.
	j := c.do("", "GET", "/control/v1/journal?user=bob", "", 200)
	var notes []string
	for _, e := range j.Get("entries").Array() {
		if e.Get("kind").String() == "notification" {
			notes = append(notes, e.Get("data.state").String())
		}
	}
	want := []string{"Invited", "Processing", "Processing", "Processing", "LeftConference", "Completed"}
	if strings.Join(notes, ",") != strings.Join(want, ",") {
		t.Errorf("bob's notification states = %v, want %v", notes, want)
	}
}
