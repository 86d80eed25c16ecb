package steps

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestHeaderStepPicksTheSessionCookie is the regression test of a load
// balancer's Set-Cookie before JSESSIONID, and of a Basic challenge with
// parameters after its realm: "the response header ... matches" judges the
// JSESSIONID cookie and the challenge's realm, and names the header when it
// fails.
func TestHeaderStepPicksTheSessionCookie(t *testing.T) {
	tests := []struct {
		name    string
		header  http.Header
		step    string // header name as the step writes it
		pattern string
		wantErr string // substring; "" passes
	}{
		{"a cleared session cookie after a load balancer's", http.Header{"Set-Cookie": {"AWSALB=x; Path=/", "JSESSIONID=; Path=/; Max-Age=0"}},
			"Set-Cookie", "^JSESSIONID=;", ""},
		{"Max-Age=0 of the load balancer's cookie does not count", http.Header{"Set-Cookie": {"AWSALB=x; Max-Age=0", "JSESSIONID=abc; Path=/"}},
			"Set-Cookie", "Max-Age=0", `header Set-Cookie of JSESSIONID is ["JSESSIONID=abc; Path=/"], which does not match Max-Age=0`},
		{"another cookie when JSESSIONID is not set", http.Header{"Set-Cookie": {"AWSALB=x; Path=/"}},
			"Set-Cookie", "^AWSALB=", ""},
		{"a Basic challenge with a charset", http.Header{"Www-Authenticate": {`Basic realm="gws", charset="UTF-8"`}},
			"WWW-Authenticate", `^Basic realm="[^"]*"$`, ""},
		{"a Basic challenge after a Bearer one", http.Header{"Www-Authenticate": {`Bearer realm="x", Basic realm="gws"`}},
			"WWW-Authenticate", `^Basic realm="[^"]*"$`, ""},
		{"the challenge as sent", http.Header{"Www-Authenticate": {`Basic realm="gws", charset="UTF-8"`}},
			"WWW-Authenticate", `charset="UTF-8"`, ""},
		{"no Basic challenge", http.Header{"Www-Authenticate": {`Bearer realm="x"`}},
			"WWW-Authenticate", `^Basic `, `header WWW-Authenticate is ["Bearer realm=\"x\""], which does not match ^Basic `},
		{"no such header", http.Header{}, "WWW-Authenticate", `^Basic `, "has no header WWW-Authenticate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := &exchange{actor: "anonymous", method: "GET", path: "/api/v2/me", status: 401, header: tt.header}
			err := matchHeader(x, tt.step, regexp.MustCompile(tt.pattern))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("matchHeader: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("matchHeader passed, want an error naming %q", tt.wantErr)
			case err != nil && (!strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "body")):
				t.Errorf("matchHeader: %v; want it to name %q and no body", err, tt.wantErr)
			}
		})
	}
}
