// Package testusers provides the credentials tests sign in with. Every user
// of fixtures/default.json, and of the fixtures tests build, has the
// password Password(userName); SetBasicAuth, Header and NewRequest put it
// on a request or on a CometD client's handshake.
package testusers

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
)

// Password returns the password of the test user userName: the name
// followed by "123", as fixtures/default.json has it.
func Password(userName string) string { return userName + "123" }

// SetBasicAuth makes req sign in as the test user userName.
func SetBasicAuth(req *http.Request, userName string) {
	req.SetBasicAuth(userName, Password(userName))
}

// Header returns a header that signs in as the test user userName, for a
// client that takes its headers whole (a CometD client's handshake).
func Header(userName string) http.Header {
	h := http.Header{}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(userName+":"+Password(userName))))
	return h
}

// NewRequest returns a request for url signed in as the test user userName,
// or with no credentials when userName is "". A body that is not empty is
// sent as JSON. It fails tb if the request cannot be built.
func NewRequest(tb testing.TB, userName, method, url, body string) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if userName != "" {
		SetBasicAuth(req, userName)
	}
	return req
}
