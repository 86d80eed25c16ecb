package mockserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/mockserver"
)

const newEmail = `{"channel":"email","email_object":{"subject":"Refund","from":"pat@example.com","to":"support@example.com","body":"Hi"}}`

// setups bring the default contact center into a state and return the
// interaction id the case works on.
var setups = map[string]func(h *harness) string{
	"invited to alice": func(h *harness) string { return h.create(newEmail) },
	"owned by alice": func(h *harness) string {
		id := h.create(newEmail)
		h.op("alice", id, `{"operationName":"Accept"}`)
		return id
	},
	"conference alice+bob": func(h *harness) string {
		id := h.create(newEmail)
		h.op("alice", id, `{"operationName":"Accept"}`)
		h.op("alice", id, `{"operationName":"StartConference","agentId":"bob"}`)
		h.op("bob", id, `{"operationName":"Accept"}`)
		return id
	},
}

// TestOperationRefusals: every refusal of docs/behavior.md §4 over HTTP
// answers the right status with an errorDescription naming the problem, the
// GWS statusCode of that status and the same text as statusMessage, and
// changes nothing.
func TestOperationRefusals(t *testing.T) {
	tests := []struct {
		name, setup, user, id, body string
		wantStatus                  int
		wantText                    string
	}{
		{"accept someone else's offer", "invited to alice", "bob", "", `{"operationName":"Accept"}`, 403, ""},
		{"second accept", "owned by alice", "alice", "", `{"operationName":"Accept"}`, 409, ""},
		{"accept unknown interaction", "invited to alice", "alice", "0000000000000000", `{"operationName":"Accept"}`, 404, ""},
		{"reject after accepting", "owned by alice", "alice", "", `{"operationName":"Reject"}`, 409, ""},
		{"stop processing someone else's", "owned by alice", "bob", "", `{"operationName":"StopProcessing"}`, 403, ""},
		{"place in queue without queue", "owned by alice", "alice", "", `{"operationName":"PlaceInQueue"}`, 400, "queue"},
		{"place in unknown queue", "owned by alice", "alice", "", `{"operationName":"PlaceInQueue","queue":"nowhere"}`, 400, "nowhere"},
		{"queue with a number", "owned by alice", "alice", "", `{"operationName":"PlaceInQueue","queue":7}`, 400, "queue"},
		{"place in unknown workbin", "owned by alice", "alice", "", `{"operationName":"PlaceInWorkbin","workbin":"attic"}`, 400, "attic"},
		{"place in another agent's workbin", "owned by alice", "alice", "", `{"operationName":"PlaceInWorkbin","workbin":"bob-workbin"}`, 403, ""},
		{"workbin content of another agent", "owned by alice", "alice", "", `{"operationName":"GetWorkbinContent","workbin":"bob-workbin"}`, 403, ""},
		{"transfer without target", "owned by alice", "alice", "", `{"operationName":"Transfer"}`, 400, "targetId"},
		{"transfer to unknown agent", "owned by alice", "alice", "", `{"operationName":"Transfer","targetId":"zed"}`, 400, "zed"},
		{"transfer to the admin", "owned by alice", "alice", "", `{"operationName":"Transfer","targetId":"admin"}`, 400, "admin"},
		{"conference with unknown agent", "owned by alice", "alice", "", `{"operationName":"StartConference","agentId":"zed"}`, 400, "zed"},
		{"conference without agent", "owned by alice", "alice", "", `{"operationName":"StartConference"}`, 400, "agentId"},
		{"properties not an object", "owned by alice", "alice", "", `{"operationName":"UpdateProperties","properties":"x"}`, 400, "properties"},
		{"update properties as a stranger", "owned by alice", "bob", "", `{"operationName":"UpdateProperties","properties":{"a":1}}`, 403, ""},
		{"place in queue during a conference", "conference alice+bob", "alice", "", `{"operationName":"PlaceInQueue","queue":"email-inbound"}`, 409, ""},
		{"transfer during a conference", "conference alice+bob", "alice", "", `{"operationName":"Transfer","targetId":"carol"}`, 409, ""},
		{"member transfers", "conference alice+bob", "bob", "", `{"operationName":"Transfer","targetId":"carol"}`, 403, ""},
		{"member makes another leave", "conference alice+bob", "bob", "", `{"operationName":"EndConference","agentId":"alice"}`, 403, ""},
		{"end a conference that is not on", "owned by alice", "alice", "", `{"operationName":"EndConference"}`, 409, ""},
		{"unknown operation", "owned by alice", "alice", "", `{"operationName":"Explode"}`, 400, "operationName"},
		{"no operation name", "owned by alice", "alice", "", `{"queue":"email-inbound"}`, 400, "operationName"},
		{"malformed JSON", "owned by alice", "alice", "", `{"operationName":`, 400, ""},
		{"admin is no agent", "owned by alice", "admin", "", `{"operationName":"StopProcessing"}`, 403, "agent"},
		{"no credentials", "owned by alice", "", "", `{"operationName":"StopProcessing"}`, 401, ""},
		{"wrong password", "owned by alice", "alice:nope", "", `{"operationName":"StopProcessing"}`, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			id := setups[tt.setup](h)
			if tt.id != "" {
				id = tt.id
			}
			before := h.state()
			r := h.request(tt.user, "POST", "/api/v2/me/interactions/"+id, tt.body)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d %s, want %d", r.status, r.body, tt.wantStatus)
			}
			desc := r.json().Get("errorDescription").String()
			if tt.wantStatus == 401 {
				desc = r.json().Get("statusMessage").String()
				if r.json().Get("statusCode").Int() != 20 || r.header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 body/header = %s %v", r.body, r.header)
				}
			} else {
				j := r.json()
				if j.Get("status").String() != "error" || j.Get("statusMessage").String() != desc || j.Get("statusCode").Int() != gwsCodes[tt.wantStatus] {
					t.Errorf("body = %s, want status error, statusCode %d and statusMessage = errorDescription", r.body, gwsCodes[tt.wantStatus])
				}
			}
			if desc == "" || !strings.Contains(desc, tt.wantText) {
				t.Errorf("error text %q does not name %q", desc, tt.wantText)
			}
			if after := h.state(); after != before {
				t.Errorf("a refused request changed the state:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// gwsCodes are the GWS statusCodes of the HTTP statuses of operation
// errors (docs/behavior.md B4.15).
// aliceChannels is alice's channels as channel objects in the default fixture.
const aliceChannels = `[{"channel":"email","userState":{"state":"Ready","displayName":"Ready"}},{"channel":"chat","userState":{"state":"Ready","displayName":"Ready"}}]`

var gwsCodes = map[int]int64{400: 1, 409: 2, 403: 5, 404: 6, 413: 1, 500: 4}

func TestResourceEndpoints(t *testing.T) {
	h := newHarness(t)
	id := setups["owned by alice"](h)

	tests := []struct {
		name, user, path string
		wantStatus       int
		check            func(t *testing.T, r response)
	}{
		{"me", "alice", "/api/v2/me", 200, func(t *testing.T, r response) {
			u := r.json().Get("user")
			if u.Get("userName").String() != "alice" || u.Get("password").Exists() || u.Get("channels").Exists() || u.Get("devices").Exists() {
				t.Errorf("GET /me = %s", r.body)
			}
		}},
		{"my uris", "alice", "/api/v2/me/interactions", 200, func(t *testing.T, r response) {
			if got := r.json().Get("uris.0").String(); got != h.ts.URL+"/api/v2/interactions/"+id {
				t.Errorf("uri = %q", got)
			}
		}},
		{"my objects", "alice", "/api/v2/me/interactions?fields=*", 200, func(t *testing.T, r response) {
			o := r.json().Get("interactions.0")
			if o.Get("state").String() != "Processing" || o.Get("ownerId").String() == "" || o.Get("email_object.subject").String() != "Refund" {
				t.Errorf("interaction = %s", o.Raw)
			}
		}},
		{"bad fields", "alice", "/api/v2/me/interactions?fields=id", 400, func(t *testing.T, r response) {
			if r.json().Get("statusCode").Int() != 1 || !strings.Contains(r.json().Get("statusMessage").String(), "fields") {
				t.Errorf("body = %s", r.body)
			}
		}},
		{"bob holds nothing", "bob", "/api/v2/me/interactions", 200, func(t *testing.T, r response) {
			if r.json().Get("uris.#").Int() != 0 {
				t.Errorf("bob sees %s", r.body)
			}
		}},
		{"admin lists all", "admin", "/api/v2/interactions?fields=*", 200, func(t *testing.T, r response) {
			o := r.json().Get("interactions.0")
			if o.Get("state").String() != "Processing" || o.Get("capabilities.#").Int() != 0 {
				t.Errorf("admin view = %s", o.Raw)
			}
		}},
		{"stranger sees own state, no capabilities", "bob", "/api/v2/interactions/" + id, 200, func(t *testing.T, r response) {
			if r.json().Get("interaction.capabilities.#").Int() != 0 {
				t.Errorf("bob's view = %s", r.body)
			}
		}},
		{"admin cannot list mine", "admin", "/api/v2/me/interactions", 403, nil},
		// Regression: GET /me answered the admin 200; the spec makes it agent-only.
		{"admin may not read /me", "admin", "/api/v2/me", 403, func(t *testing.T, r response) {
			if r.json().Get("statusCode").Int() != 5 || r.json().Get("user").Exists() {
				t.Errorf("body = %s", r.body)
			}
		}},
		{"unknown interaction", "alice", "/api/v2/interactions/0000000000000000", 404, func(t *testing.T, r response) {
			if r.json().Get("statusCode").Int() != 6 {
				t.Errorf("body = %s", r.body)
			}
		}},
		{"channels", "alice", "/api/v2/me/channels", 200, func(t *testing.T, r response) {
			if got := r.json().Get("channels").Raw; got != aliceChannels {
				t.Errorf("channels = %s", got)
			}
		}},
		{"me with every subresource", "alice", "/api/v2/me?subresources=*", 200, func(t *testing.T, r response) {
			if got := r.json().Get("user.channels").Raw + " " + r.json().Get("user.devices").Raw; got != aliceChannels+" []" {
				t.Errorf("channels, devices = %s", got)
			}
		}},
		{"me with channels", "alice", "/api/v2/me?subresources=channels", 200, func(t *testing.T, r response) {
			if r.json().Get("user.channels").Raw != aliceChannels || r.json().Get("user.devices").Exists() {
				t.Errorf("GET /me = %s", r.body)
			}
		}},
		{"me with devices", "alice", "/api/v2/me?subresources=devices", 200, func(t *testing.T, r response) {
			if r.json().Get("user.channels").Exists() || r.json().Get("user.devices").Raw != "[]" {
				t.Errorf("GET /me = %s", r.body)
			}
		}},
		{"me with both, listed", "alice", "/api/v2/me?subresources=devices,channels", 200, func(t *testing.T, r response) {
			if r.json().Get("user.channels").Raw != aliceChannels || r.json().Get("user.devices").Raw != "[]" {
				t.Errorf("GET /me = %s", r.body)
			}
		}},
		{"me with an unknown subresource", "alice", "/api/v2/me?subresources=channels,settings", 400, func(t *testing.T, r response) {
			if r.json().Get("statusCode").Int() != 1 || !strings.Contains(r.json().Get("statusMessage").String(), "settings") {
				t.Errorf("body = %s", r.body)
			}
		}},
		{"no credentials", "", "/api/v2/me", 401, nil},
		{"unknown user", "zed:zed", "/api/v2/me", 401, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.request(tt.user, "GET", tt.path, "")
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d %s, want %d", r.status, r.body, tt.wantStatus)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestChannelDataPut(t *testing.T) {
	tests := []struct {
		name, user, body string
		wantStatus       int
		wantSubject      string
	}{
		{"owner edits subject", "alice", `{"email_object":{"subject":"Refund request"}}`, 200, "Refund request"},
		{"wrong channel object", "alice", `{"chat_object":{"nickname":"x"}}`, 400, "Refund"},
		{"read-only field", "alice", `{"email_object":{"from":"eve@example.com"}}`, 400, "Refund"},
		{"two objects", "alice", `{"email_object":{"subject":"a"},"chat_object":{}}`, 400, "Refund"},
		{"stranger", "bob", `{"email_object":{"subject":"x"}}`, 403, "Refund"},
		{"the derived interactionId", "alice", `{"email_object":{"interactionId":"0000000000000000"}}`, 400, "Refund"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			id := setups["owned by alice"](h)
			r := h.request(tt.user, "PUT", "/api/v2/interactions/"+id, tt.body)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d %s, want %d", r.status, r.body, tt.wantStatus)
			}
			seen := h.seenAs("alice", id)
			if got := seen.Get("email_object.subject").String(); got != tt.wantSubject {
				t.Errorf("subject = %q, want %q", got, tt.wantSubject)
			}
			if got := seen.Get("email_object.interactionId").String(); got != id {
				t.Errorf("email_object.interactionId = %q, want the id %q", got, id)
			}
		})
	}
}

func TestSessionCookie(t *testing.T) {
	h := newHarness(t)
	r := h.request("alice", "GET", "/api/v2/me", "")
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "JSESSIONID" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatalf("no JSESSIONID cookie on %v", r.header)
	}
	r = h.request("", "GET", "/api/v2/me", "", "Cookie", "JSESSIONID="+cookie.Value)
	if r.status != 200 || r.json().Get("user.userName").String() != "alice" {
		t.Fatalf("cookie auth = %d %s", r.status, r.body)
	}
	if r = h.request("", "GET", "/api/v2/me", "", "Cookie", "JSESSIONID=forged"); r.status != 401 {
		t.Errorf("forged cookie = %d", r.status)
	}
}

func TestCSRF(t *testing.T) {
	h := newHarness(t, func(s *mockserver.Server) { s.CSRF = true })
	r := h.request("alice", "GET", "/api/v2/me", "")
	tok := r.header.Get("X-CSRF-TOKEN")
	if r.header.Get("X-CSRF-HEADER") != "X-CSRF-TOKEN" || len(tok) != 36 {
		t.Fatalf("CSRF headers = %v", r.header)
	}
	r = h.request("alice", "POST", "/api/v2/me/channels/email", `{"operationName":"NotReady"}`)
	if r.status != 403 || string(r.body) != "Missing or invalid Csrf token" {
		t.Fatalf("POST without token = %d %q", r.status, r.body)
	}
	r = h.request("alice", "POST", "/api/v2/me/channels/email", `{"operationName":"NotReady"}`, "X-CSRF-TOKEN", tok)
	if r.status != 200 {
		t.Fatalf("POST with token = %d %s", r.status, r.body)
	}
}

func TestCORS(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, origin string
		allowed      bool
	}{
		{"localhost dev server", "http://localhost:5173", true},
		{"loopback", "http://127.0.0.1:3000", true},
		{"elsewhere", "https://evil.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.request("", "OPTIONS", "/api/v2/me/interactions", "", "Origin", tt.origin,
				"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type")
			got := r.header.Get("Access-Control-Allow-Origin")
			if tt.allowed && (r.status != 204 || got != tt.origin || r.header.Get("Access-Control-Allow-Credentials") != "true") {
				t.Errorf("preflight = %d %v", r.status, r.header)
			}
			if !tt.allowed && got != "" {
				t.Errorf("origin %s allowed: %v", tt.origin, r.header)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	h := newHarness(t, func(s *mockserver.Server) { s.MaxBodyBytes = 1024 })
	id := setups["owned by alice"](h)
	big := `{"operationName":"UpdateProperties","properties":{"x":"` + strings.Repeat("a", 2048) + `"}}`
	r := h.request("alice", "POST", "/api/v2/me/interactions/"+id, big)
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.json().Get("errorDescription").String(), "1024") {
		t.Fatalf("big body = %d %s", r.status, r.body)
	}
}
