package jsonmatch

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name.golden, or rewrites the file with
// -update.
func golden(tb testing.TB, name, got string) {
	tb.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		tb.Errorf("%s differs from %s (go test -update rewrites it):\n%s", name, path, got)
	}
}

// An InteractionStateMessage as a CometD notification carries it.
const invitedNotification = `{
  "data": {
    "messageTypeName": "InteractionStateMessage",
    "notificationType": "StateChange",
    "id": "00009a8T8Y130123",
    "channel": "email",
    "interactionType": "Inbound",
    "interactionSubType": "InboundNew",
    "state": "Processing",
    "capabilities": ["StopProcessing", "PlaceInQueue", "UpdateProperties", "PlaceInWorkbin", "Transfer", "StartConference"],
    "currentQueue": "email-inbound",
    "participants": [
      {"userId": "5e0a1c2b3d4f5a6b7c8d9e0f1a2b3c4d", "userName": "alice", "role": "Owner"},
      {"userId": "6f1b2d3c4e5a6b7c8d9e0f1a2b3c4d5e", "userName": "bob", "role": "InvitedConference"}
    ],
    "properties": {"priority": 3, "tags": ["vip"]},
    "email_object": {"subject": "Order 1234", "from": "customer@example.com", "to": "support@example.com", "body": "Where is my order?"},
    "receivedDate": "2026-11-23 10:00:00.000+0000",
    "uri": "http://127.0.0.1:8090/api/v2/interactions/00009a8T8Y130123",
    "path": "/interactions/00009a8T8Y130123"
  },
  "channel": "/v2/me/interactions"
}`

func TestReportGolden(t *testing.T) {
	tests := []struct {
		name     string
		expected string
		actual   string
		vars     []string
	}{
		{
			// The agent expected an offer, the mock says it owns it, and
			// ownerId is missing.
			name: "interaction_state_wrong_state",
			expected: `{
  "channel": "/v2/me/interactions",
  "data": {
    "messageTypeName": "InteractionStateMessage",
    "notificationType": "StateChange",
    "id": "{{capture:id}}",
    "state": "Invited",
    "ownerId": "{{alice}}",
    "capabilities": ["Accept", "Reject"],
    "workbin": "{{absent}}",
    "path": "/interactions/{{id}}"
  }
}`,
			actual: invitedNotification,
			vars:   []string{"alice", `"5e0a1c2b3d4f5a6b7c8d9e0f1a2b3c4d"`, "id", `"00009a8T8Y130123"`},
		},
		{
			// Bob should be a conference member by now; the contains form
			// shows him against the closest participant.
			name: "participants_contains",
			expected: `{
  "data": {
    "id": "{{regex:^[0-9A-Za-z]{16}$}}",
    "participants": ["{{contains}}",
      {"userName": "bob", "role": "Member"},
      {"userName": "alice", "role": "Owner", "userId": "{{string}}"}
    ],
    "properties": {"priority": "{{number}}", "tags": ["vip", "gold"]}
  }
}`,
			actual: invitedNotification,
		},
		{
			// Wrong types deep down and a number written differently.
			name: "types_and_numbers",
			expected: `{
  "data": {
    "properties": {"priority": 3.0, "tags": "{{object}}"},
    "email_object": {"subject": "{{number}}", "cc": "{{any}}"},
    "receivedDate": "{{regex:^\\d{4}-\\d{2}-\\d{2}T}}"
  }
}`,
			actual: invitedNotification,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Match([]byte(tt.expected), []byte(tt.actual), vars(t, tt.vars...))
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if r.OK() {
				t.Fatalf("Match: a match, want mismatches")
			}
			golden(t, tt.name, r.String())
		})
	}
}
