package steps

import "testing"

// TestInDriverContract: the driver contract is exactly the requests of
// spec/driver.yaml; the rest of /control/v1 is gwsmock's own.
func TestInDriverContract(t *testing.T) {
	tests := []struct {
		method, path string
		want         bool
	}{
		{"POST", "/control/v1/interactions", true},
		{"POST", "/control/v1/interactions/{{it}}/route", true},
		{"POST", "/control/v1/interactions/{{it}}/revoke", true},
		{"POST", "/control/v1/interactions/00009a8T8Y130123/stop", true},
		{"POST", "/control/v1/interactions/{{it}}/chat/messages", true},
		{"POST", "/control/v1/interactions/{{it}}/chat/leave", true},
		{"PUT", "/control/v1/users/{{alice.userName}}/channels/email", true},
		{"GET", "/control/v1/health", true},
		{"GET", "/control/v1/health?verbose=1", true},
		{"GET", "/control/v1/state", false},
		{"PUT", "/control/v1/state", false},
		{"POST", "/control/v1/reset", false},
		{"GET", "/control/v1/journal?since=1", false},
		{"GET", "/control/v1/outbox", false},
		{"PUT", "/control/v1/faults", false},
		{"GET", "/control/v1/interactions", false},
		{"DELETE", "/control/v1/interactions/{{it}}/stop", false},
		{"POST", "/control/v1/interactions/a/b/stop", false},
	}
	for _, tt := range tests {
		if got := InDriverContract(tt.method, tt.path); got != tt.want {
			t.Errorf("InDriverContract(%s %s) = %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
}
