package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gwsmock/gwsmock/conformance"
	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/mockserver"
)

// openMocks starts n independent in-process mocks on free ports.
func openMocks(t *testing.T, n int) []string {
	t.Helper()
	urls := make([]string, n)
	for i := range urls {
		srv := &mockserver.Server{Addr: "127.0.0.1:0"}
		if err := srv.Open(); err != nil {
			t.Fatalf("open mock: %v", err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		urls[i] = srv.URL()
	}
	return urls
}

// TestConformance runs the whole embedded suite against the in-process mock:
// eight instances, one scenario at a time on each. The @slow scenario (the
// session sweep, which waits out the default maxInterval) runs against a
// mock with a short one in TestConformanceInModes.
func TestConformance(t *testing.T) {
	runSuite(t, openMocks(t, 8), "not @slow")
}

// TestConformanceOverWebSocket runs the whole suite with the CometD
// sessions on WebSocket: the runner's client checks every frame against
// docs/bayeux.md (C1, C11) as it checks long-polling answers.
func TestConformanceOverWebSocket(t *testing.T) {
	runSuiteOver(t, openMocks(t, 8), "", "websocket")
}

// runSuite runs the embedded scenarios that tags selects (all for "")
// against targets; every one must pass, and at least 100 must run.
func runSuite(t *testing.T, targets []string, tags string) {
	t.Helper()
	runSuiteOver(t, targets, tags, "")
}

// runSuiteOver is runSuite with the Bayeux transport ("" for the default).
func runSuiteOver(t *testing.T, targets []string, tags, transport string) {
	t.Helper()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*safetyNet)
	defer cancel()
	res, err := conformance.Run(ctx, conformance.Options{
		Targets:   targets,
		Tags:      tags,
		Transport: transport,
		Formats:   []string{"progress"},
		Output:    &out,
		NoColors:  true,
		QuietWait: 100 * time.Millisecond,
	})
	mustPass(t, res, err, &out)
	if res.Scenarios < 100 {
		t.Errorf("only %d scenarios ran", res.Scenarios)
	}
}

const acceptedEmail = `@control
Feature: Wrong
  Scenario: An accepted email
    Given alice and bob are listening
    And an email is routed to alice
    When alice accepts it
    Then alice is notified that it is Processing
`

// TestConformanceCatchesWrongServers runs small scenarios against proxies
// that break one thing each: the suite must fail, and its report must name
// the difference.
func TestConformanceCatchesWrongServers(t *testing.T) {
	mock := openMocks(t, 1)[0]
	tests := []struct {
		name    string
		feature string
		c       edits
		want    []string
	}{
		{
			name: "a wrong status",
			feature: acceptedEmail + `    When alice tries to accept it
    Then the request is refused with status 409
`,
			// A 400 whose body says 400 too (statusCode 1), so that only the
			// status is wrong, not the body's agreement with it.
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				if status == http.StatusConflict {
					return http.StatusBadRequest, bytes.Replace(body, []byte(`"statusCode":2`), []byte(`"statusCode":1`), 1)
				}
				return status, body
			}},
			want: []string{
				"the request is refused with status 409  [failed]",
				"Failing generic step: the response status is 409",
				"expected status 409, got 400",
			},
		},
		{
			name: "a missing field",
			feature: acceptedEmail + `    When alice sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"id": "{{it}}", "ownerId": "{{alice.id}}"}}
      """
`,
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v2/interactions/") {
					body = regexp.MustCompile(`"ownerId":"[0-9a-f]+",`).ReplaceAll(body, nil)
				}
				return status, body
			}},
			want: []string{
				"the response matches:  [failed]",
				`interaction.ownerId: expected "c9e053a7a19626b5b05b478b4fdcc0ab", got <absent> (missing)`,
				"--- expected", "+++ actual",
				`-    "ownerId": "c9e053a7a19626b5b05b478b4fdcc0ab"`,
			},
		},
		{
			name:    "REST that disagrees with the notification",
			feature: acceptedEmail + "    And alice's view of it agrees with her last notification\n",
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v2/interactions/") {
					body = regexp.MustCompile(`"ownerId":"[0-9a-f]+",`).ReplaceAll(body, nil)
				}
				return status, body
			}},
			want: []string{
				"alice's view of it agrees with her last notification  [failed]",
				"alice's view of it disagrees with alice's last notification about it (StatusChange, state Processing)",
				`ownerId: REST absent, notification "c9e053a7a19626b5b05b478b4fdcc0ab"`,
			},
		},
		{
			name:    "a wrong state name",
			feature: acceptedEmail,
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				return status, deliveries(r, body, func(d map[string]any) []map[string]any {
					if d["state"] == "Processing" {
						d["state"] = "Accepted"
					}
					return []map[string]any{d}
				})
			}},
			want: []string{
				"alice is notified that it is Processing  [failed]",
				"the message alice received on /v2/me/interactions breaks the spec",
				"state",
				`"state": "Accepted"`,
			},
		},
		{
			name:    "a state that is valid but wrong",
			feature: acceptedEmail,
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				return status, deliveries(r, body, func(d map[string]any) []map[string]any {
					if d["state"] == "Processing" {
						d["state"] = "Invited"
					}
					return []map[string]any{d}
				})
			}},
			want: []string{
				"the message alice received on /v2/me/interactions does not match",
				`state: expected "Processing", got "Invited"`,
				`-  "state": "Processing"`,
				`+  "state": "Invited"`,
			},
		},
		{
			name: "a missing notification",
			feature: acceptedEmail + `    When alice stops processing it
    Then alice is notified that it is Completed
`,
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				return status, deliveries(r, body, func(d map[string]any) []map[string]any {
					if d["state"] == "Completed" {
						return nil
					}
					return []map[string]any{d}
				})
			}},
			want: []string{
				"alice is notified that it is Completed  [failed]",
				"alice received no message on /v2/me/interactions within 5s",
			},
		},
		{
			name: "an extra notification",
			feature: acceptedEmail + `    When alice updates its properties with:
      """
      {"priority": 1}
      """
    Then alice is notified that its properties are now:
      """
      {"priority": 1}
      """
    And no one else is notified
`,
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				return status, deliveries(r, body, func(d map[string]any) []map[string]any {
					if d["notificationType"] == "PropertiesUpdated" {
						return []map[string]any{d, d}
					}
					return []map[string]any{d}
				})
			}},
			want: []string{
				"no one else is notified  [failed]",
				"expected no notification within 100ms",
				"alice's unread message 1 of 1 on /v2/me/interactions",
				`"notificationType": "PropertiesUpdated"`,
			},
		},
		{
			name: "a notification leaked to another agent",
			feature: `@control
Feature: Leak
  Scenario: An email for alice
    Given alice and bob are listening
    When an email is routed to alice
    Then bob is not notified
`,
			c: edits{request: func(r *http.Request) {
				// bob's CometD session is opened, and served, as alice's.
				if u, _, ok := r.BasicAuth(); ok && u == "bob" && strings.HasPrefix(r.URL.Path, "/api/v2/notifications") {
					testusers.SetBasicAuth(r, "alice")
				}
			}},
			want: []string{
				"bob is not notified  [failed]",
				"bob's unread message 1 of 1 on /v2/me/interactions",
				`"state": "Invited"`,
			},
		},
		{
			name:    "an unexpected notification nobody checks",
			feature: acceptedEmail,
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				return status, deliveries(r, body, func(d map[string]any) []map[string]any {
					if d["state"] == "Processing" {
						return []map[string]any{d, d}
					}
					return []map[string]any{d}
				})
			}},
			want: []string{
				"(end of the scenario)",
				"notifications arrived that no step expected",
				"alice's unread message 1 of 1",
			},
		},
	}
	tests = append(tests, []struct {
		name    string
		feature string
		c       edits
		want    []string
	}{
		{
			name:    "a re-handshake advised on every successful connect",
			feature: acceptedEmail,
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				return status, bayeuxAnswer(r, body, func(m map[string]any) {
					if m["channel"] == "/meta/connect" && m["successful"] == true {
						m["advice"] = map[string]any{"reconnect": "handshake", "interval": 0}
					}
				})
			}},
			want: []string{
				"[failed]",
				`the server broke Bayeux rule C5 (docs/bayeux.md): the reply to /meta/connect id "`,
				`is successful and advises reconnect "handshake"`,
			},
		},
		{
			name:    "another id echoed",
			feature: acceptedEmail,
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				return status, bayeuxAnswer(r, body, func(m map[string]any) {
					if id, ok := m["id"].(string); ok && m["channel"] == "/meta/connect" {
						m["id"] = id + "0"
					}
				})
			}},
			want: []string{
				"[failed]",
				`the server broke Bayeux rule C2 (docs/bayeux.md): the reply to /meta/connect id "`,
				`came back with id "`,
			},
		},
		{
			name:    "deliveries without channel",
			feature: acceptedEmail,
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				return status, bayeuxAnswer(r, body, func(m map[string]any) {
					if _, reply := m["successful"]; !reply {
						delete(m, "channel")
					}
				})
			}},
			want: []string{
				"an email is routed to alice  [failed]",
				"the server broke Bayeux rule C3 (docs/bayeux.md): a delivered message has no channel",
			},
		},
		{
			name:    "deliveries with successful",
			feature: acceptedEmail,
			c: edits{response: func(r *http.Request, status int, body []byte) (int, []byte) {
				return status, bayeuxAnswer(r, body, func(m map[string]any) {
					if _, reply := m["successful"]; !reply {
						m["successful"] = true
					}
				})
			}},
			want: []string{
				"an email is routed to alice  [failed]",
				"the server broke Bayeux rule C3 (docs/bayeux.md): a message delivered on /v2/me/interactions carries successful",
			},
		},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := editingProxy(t, mock, tt.c)
			var out bytes.Buffer
			res, err := conformance.Run(context.Background(), conformance.Options{
				Targets:       []string{target},
				Features:      fstest.MapFS{"wrong.feature": {Data: []byte(tt.feature)}},
				Formats:       []string{"pretty"},
				Output:        &out,
				NoColors:      true,
				NotifyTimeout: 5 * time.Second, // expected notifications come at once, a missing one after this
				QuietWait:     100 * time.Millisecond,
			})
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, out.String())
			}
			if res.Status != conformance.StatusFailed || res.Failed != 1 {
				t.Fatalf("status %d, %d failed; want the scenario to fail\n%s", res.Status, res.Failed, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("the report lacks %q:\n%s", w, out.String())
				}
			}
			if testing.Verbose() {
				t.Log(res.Failures[0].Message)
			}
		})
	}
}

// bayeuxAnswer applies edit to every message of a Bayeux answer.
func bayeuxAnswer(r *http.Request, body []byte, edit func(m map[string]any)) []byte {
	var msgs []map[string]any
	if !strings.HasPrefix(r.URL.Path, "/api/v2/notifications") || json.Unmarshal(body, &msgs) != nil {
		return body
	}
	for _, m := range msgs {
		edit(m)
	}
	b, _ := json.Marshal(msgs)
	return b
}

// TestConformanceProxyPassesThrough checks the proxy of the test above
// itself: without a corruption the scenarios pass through it.
func TestConformanceProxyPassesThrough(t *testing.T) {
	target := editingProxy(t, openMocks(t, 1)[0], edits{})
	var out bytes.Buffer
	res, err := conformance.Run(context.Background(), conformance.Options{
		Targets:  []string{target},
		Features: fstest.MapFS{"right.feature": {Data: []byte(acceptedEmail)}},
		Output:   &out, NoColors: true, QuietWait: 100 * time.Millisecond,
	})
	if err != nil || res.Status != conformance.StatusPassed {
		t.Fatalf("status %d, %v\n%s", res.Status, err, out.String())
	}
}
