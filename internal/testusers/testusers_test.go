package testusers_test

import (
	"net/http"
	"testing"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/internal/testusers"
)

// TestDefaultFixtureFollowsPassword: every user of the default fixture signs
// in with Password(userName), so tests may rely on it.
func TestDefaultFixtureFollowsPassword(t *testing.T) {
	users := fixtures.Default().Users
	if len(users) == 0 {
		t.Fatal("the default fixture has no users")
	}
	for _, u := range users {
		if got, want := u.Password, testusers.Password(u.UserName); got != want {
			t.Errorf("%s: password %q, want %q", u.UserName, got, want)
		}
	}
}

// TestHeaderMatchesSetBasicAuth: Header and SetBasicAuth send the same
// credentials, and they are the user's name and Password.
func TestHeaderMatchesSetBasicAuth(t *testing.T) {
	req, err := http.NewRequest("GET", "/", nil)
	if err != nil {
		t.Fatal(err)
	}
	testusers.SetBasicAuth(req, "alice")
	user, pass, ok := req.BasicAuth()
	if !ok || user != "alice" || pass != "alice123" {
		t.Fatalf("SetBasicAuth sent %q %q %v", user, pass, ok)
	}
	if got, want := testusers.Header("alice").Get("Authorization"), req.Header.Get("Authorization"); got != want {
		t.Fatalf("Header = %q, want %q", got, want)
	}
}

// TestNewRequest: a user signs in, "" sends no credentials, and only a body
// is labelled JSON.
func TestNewRequest(t *testing.T) {
	tests := []struct {
		name, user, body string
		wantAuth         bool
		wantType         string
	}{
		{name: "as a user with a body", user: "bob", body: `{}`, wantAuth: true, wantType: "application/json"},
		{name: "as a user without a body", user: "bob", wantAuth: true},
		{name: "anonymous", body: `{}`, wantType: "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := testusers.NewRequest(t, tt.user, "POST", "http://gws.test/api/v2/me", tt.body)
			user, pass, ok := req.BasicAuth()
			if ok != tt.wantAuth || (ok && (user != tt.user || pass != testusers.Password(tt.user))) {
				t.Errorf("credentials %q %q %v, want %q signed in: %v", user, pass, ok, tt.user, tt.wantAuth)
			}
			if got := req.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
		})
	}
}
