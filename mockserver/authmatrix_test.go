package mockserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/bayeux"
)

// The auth matrix: every endpoint of spec/openapi.yaml times the ways a
// request can lack the right to it, generated from the spec (its paths,
// methods, example bodies and the roles its descriptions state), plus the
// CometD handshake and subscriptions. Every refusal answers as
// docs/behavior.md §2 says and shows nothing of anyone else.

// restEndpoint is one operation of the Interactions API.
type restEndpoint struct {
	method, path string
	roles        []string // who may call it, from the description
	body         string   // an example body, "" for none
}

var rolesRE = regexp.MustCompile("(?i)roles? `agent`( or `admin`)?")

func restEndpoints(t *testing.T) []restEndpoint {
	t.Helper()
	doc := loadDocs(t)["/api/v2"]
	var out []restEndpoint
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			desc := strings.Join(strings.Fields(op.Description), " ")
			m := rolesRE.FindStringSubmatch(desc)
			if m == nil {
				t.Fatalf("%s %s: the description states no role", method, path)
			}
			ep := restEndpoint{method: method, path: path, roles: []string{"agent"}}
			if m[1] != "" {
				ep.roles = append(ep.roles, "admin")
			}
			if op.RequestBody != nil {
				ep.body = exampleBody(t, op.RequestBody.Value.Content.Get("application/json"))
			}
			out = append(out, ep)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path+out[i].method < out[j].path+out[j].method })
	return out
}

// exampleBody is the first of a media type's examples (by name), or its
// schema's example.
func exampleBody(t *testing.T, mt *openapi3.MediaType) string {
	t.Helper()
	var v any
	if len(mt.Examples) > 0 {
		names := make([]string, 0, len(mt.Examples))
		for n := range mt.Examples {
			names = append(names, n)
		}
		sort.Strings(names)
		v = mt.Examples[names[0]].Value.Value
	} else {
		v = mt.Schema.Value.Example
	}
	return string(marshal(t, v))
}

// TestRolesMatchBehavior pins the roles read from the spec to
// docs/behavior.md §2, so that the matrix below cannot drift with a reworded description.
func TestRolesMatchBehavior(t *testing.T) {
	want := map[string]string{
		"GET /interactions":           "agent,admin",
		"GET /interactions/{id}":      "agent,admin",
		"PUT /interactions/{id}":      "agent",
		"GET /me":                     "agent",
		"POST /me":                    "agent",
		"GET /me/channels":            "agent",
		"POST /me/channels/{channel}": "agent",
		"GET /me/interactions":        "agent",
		"POST /me/interactions/{id}":  "agent",
	}
	got := map[string]string{}
	for _, ep := range restEndpoints(t) {
		got[ep.method+" "+ep.path] = strings.Join(ep.roles, ",")
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: roles %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("the spec has %d endpoints, the matrix knows %d: %v", len(got), len(want), got)
	}
}

// secrets of alice: what nobody else's refusal may show.
const (
	secretSubject  = "alice-secret-subject"
	secretProperty = "alice-secret-property"
)

// userData lists what identifies each fixture user.
func userData(t *testing.T, h *harness) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, u := range gjson.Get(h.state(), "users").Array() {
		name := u.Get("userName").String()
		out[name] = []string{u.Get("id").String(), u.Get("firstName").String(), u.Get("lastName").String()}
		if name != "admin" { // also a role's name, which refusals may state
			out[name] = append(out[name], name)
		}
	}
	return out
}

// checkNoDataOfOthers fails when body shows anything of a user other than
// caller, or alice's secrets (unless caller is alice).
func checkNoDataOfOthers(t *testing.T, users map[string][]string, caller string, body []byte) {
	t.Helper()
	s := string(body)
	for name, data := range users {
		if name == caller {
			continue
		}
		for _, d := range data {
			if d != "" && strings.Contains(s, d) {
				t.Errorf("the answer to %q shows %q of %s: %.300s", caller, d, name, s)
			}
		}
	}
	if caller != "alice" {
		for _, d := range []string{secretSubject, secretProperty} {
			if strings.Contains(s, d) {
				t.Errorf("the answer to %q shows alice's %q: %.300s", caller, d, s)
			}
		}
	}
}

// matrixHarness is a server with a supervisor-only user (sam, no role the
// API accepts) and an interaction alice owns, with her secrets in it.
func matrixHarness(t *testing.T) (*harness, string) {
	t.Helper()
	h := newHarness(t)
	doc := h.state()
	var d map[string]any
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatal(err)
	}
	d["users"] = append(d["users"].([]any), map[string]any{
		"id": "0123456789abcdef0123456789abcdef", "userName": "sam", "password": "sam123",
		"firstName": "Sam", "lastName": "Supervisor", "roles": []string{"supervisor"},
		"channels": []string{}, "queues": []string{},
	})
	if r := h.request("", "PUT", "/control/v1/state", string(marshal(t, d))); r.status != 200 {
		t.Fatalf("add sam: %d %s", r.status, r.body)
	}
	id := h.create(`{"channel":"email","agent":"alice","email_object":{"subject":"` + secretSubject + `"},"userData":{"note":"` + secretProperty + `"}}`)
	h.op("alice", id, `{"operationName":"Accept"}`)
	return h, id
}

// TestAuthMatrix: every endpoint × every way to lack the right to it.
func TestAuthMatrix(t *testing.T) {
	h, aliceOwns := matrixHarness(t)
	users := userData(t, h)
	type credential struct {
		name, user string // user as h.request takes it
		caller     string // who the server may legitimately name
	}
	unauthenticated := []credential{
		{"no credentials", "", ""},
		{"wrong password", "alice:wrong", ""},
		{"unknown user", "zed:zed123", ""},
		{"empty password", "alice:", ""},
	}
	n := 0
	for _, ep := range restEndpoints(t) {
		path := strings.NewReplacer("{id}", aliceOwns, "{channel}", "email").Replace(ep.path)
		t.Run(ep.method+" "+ep.path, func(t *testing.T) {
			check := func(name, user, caller, path string, wantStatus int, extra ...string) {
				t.Helper()
				n++
				before := h.state()
				r := h.request(user, ep.method, "/api/v2"+path, ep.body, extra...)
				if r.status != wantStatus {
					t.Fatalf("%s: %s %s = %d %.300s, want %d", name, ep.method, path, r.status, r.body, wantStatus)
				}
				checkNoDataOfOthers(t, users, caller, r.body)
				if h.state() != before {
					t.Fatalf("%s: a refused request changed the state", name)
				}
				if wantStatus == http.StatusUnauthorized {
					if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), `Basic realm="`) || r.json().Get("statusCode").Int() != 20 {
						t.Errorf("%s: 401 without the Basic challenge or statusCode 20: %v %s", name, r.header, r.body)
					}
					if r.header.Get("Set-Cookie") != "" {
						t.Errorf("%s: a refused request got a session cookie", name)
					}
				}
			}
			for _, c := range unauthenticated {
				check(c.name, c.user, c.caller, path, http.StatusUnauthorized)
			}
			check("forged session cookie", "", "", path, http.StatusUnauthorized, "Cookie", "JSESSIONID=0123456789abcdef0123456789abcdef")
			// Wrong role: admin where only agents may go, sam (supervisor) everywhere.
			if !slices.Contains(ep.roles, "admin") {
				check("admin is no agent", "admin", "admin", path, http.StatusForbidden)
			}
			check("supervisor only", "sam", "sam", path, http.StatusForbidden)
			if strings.Contains(ep.path, "{id}") {
				other := http.StatusForbidden
				if ep.method == http.MethodGet {
					other = http.StatusOK // anyone with the role may read any interaction
				}
				if other != http.StatusOK {
					check("another agent's interaction", "bob", "bob", path, other)
				}
				check("unknown interaction", "bob", "bob", strings.Replace(path, aliceOwns, "0000000000000000", 1), http.StatusNotFound)
			}
		})
	}
	t.Logf("%d refusals checked", n)
}

// TestOthersSeeNothingOfAlice: what bob legitimately reads about himself
// holds nothing of alice's; what anyone may read about an interaction shows
// a non-party no capabilities and not alice's state.
func TestOthersSeeNothingOfAlice(t *testing.T) {
	h, aliceOwns := matrixHarness(t)
	users := userData(t, h)
	for _, path := range []string{"/api/v2/me", "/api/v2/me/channels", "/api/v2/me/interactions", "/api/v2/me/interactions?fields=*"} {
		r := h.request("bob", "GET", path, "")
		if r.status != http.StatusOK {
			t.Fatalf("GET %s as bob = %d", path, r.status)
		}
		checkNoDataOfOthers(t, users, "bob", r.body)
		if strings.Contains(string(r.body), aliceOwns) {
			t.Errorf("GET %s as bob lists alice's interaction: %s", path, r.body)
		}
	}
	seen := h.seenAs("bob", aliceOwns)
	if seen.Get("state").String() != "Processing" || seen.Get("capabilities").Raw != "[]" {
		t.Errorf("bob sees alice's interaction as %s %s, want its own state and no capabilities", seen.Get("state"), seen.Get("capabilities").Raw)
	}
}

// bayeuxPost sends Bayeux messages as user and returns the answer.
func (h *harness) bayeuxPost(user, body string, header ...string) []gjson.Result {
	h.t.Helper()
	r := h.request(user, "POST", "/api/v2/notifications", body, header...)
	if r.status != http.StatusOK {
		h.t.Fatalf("bayeux %s = %d %s", body, r.status, r.body)
	}
	return gjson.ParseBytes(r.body).Array()
}

const handshakeBody = `[{"channel":"/meta/handshake","id":"1","version":"1.0","supportedConnectionTypes":["long-polling"]}]`

// TestCometDAuthMatrix: the handshake is refused without valid
// credentials, a clientId is useless to anyone else, and no subscription,
// however wide, brings one user another's messages.
func TestCometDAuthMatrix(t *testing.T) {
	h, _ := matrixHarness(t)
	users := userData(t, h)
	for _, c := range []struct{ name, user string }{
		{"no credentials", ""}, {"wrong password", "alice:wrong"}, {"unknown user", "zed:zed123"},
	} {
		t.Run("handshake "+c.name, func(t *testing.T) {
			m := h.bayeuxPost(c.user, handshakeBody)
			if len(m) != 1 || m[0].Get("successful").Bool() || !strings.HasPrefix(m[0].Get("error").String(), "403::") || m[0].Get("clientId").Exists() {
				t.Fatalf("handshake = %v", m)
			}
			checkNoDataOfOthers(t, users, "", []byte(m[0].Raw))
		})
	}
	t.Run("handshake forged cookie", func(t *testing.T) {
		m := h.bayeuxPost("", handshakeBody, "Cookie", "JSESSIONID=forged")
		if m[0].Get("successful").Bool() {
			t.Fatalf("handshake = %s", m[0].Raw)
		}
	})
	if n := h.srv.CometDSessions(); n != 0 {
		t.Fatalf("refused handshakes left %d sessions", n)
	}

	aliceID := h.bayeuxPost("alice", handshakeBody)[0].Get("clientId").String()
	for _, tt := range []struct{ name, body string }{
		{"connect", `[{"channel":"/meta/connect","clientId":"` + aliceID + `","id":"2","connectionType":"long-polling","advice":{"timeout":0}}]`},
		{"subscribe", `[{"channel":"/meta/subscribe","clientId":"` + aliceID + `","id":"3","subscription":"/v2/me/interactions"}]`},
		{"unsubscribe", `[{"channel":"/meta/unsubscribe","clientId":"` + aliceID + `","id":"4","subscription":"/v2/me/interactions"}]`},
		{"disconnect", `[{"channel":"/meta/disconnect","clientId":"` + aliceID + `","id":"5"}]`},
	} {
		t.Run("bob uses alice's clientId to "+tt.name, func(t *testing.T) {
			m := h.bayeuxPost("bob", tt.body)
			if len(m) != 1 || m[0].Get("successful").Bool() || m[0].Get("error").String() != "402::session_unknown" {
				t.Fatalf("answer = %v", m)
			}
			checkNoDataOfOthers(t, users, "bob", []byte(m[0].Raw))
		})
	}
	if n := h.srv.CometDSessions(); n != 1 {
		t.Fatalf("alice's session did not survive bob's attempts: %d sessions", n)
	}

	// Wide subscriptions of everyone else, then alice works.
	var others []*agentSession
	for _, sub := range []struct{ user, channel string }{
		{"bob", "/**"}, {"bob", "/v2/**"}, {"carol", "/v2/me/*"}, {"dave", "/v2/me/interactions"}, {"admin", "/**"},
	} {
		others = append(others, h.cometd(sub.user, bayeux.LongPolling, sub.channel))
	}
	t.Run("meta subscriptions are refused", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
		defer cancel()
		for _, ch := range []string{"/meta/**", "/meta/connect", "/service/**"} {
			if err := others[0].c.Subscribe(ctx, ch); err == nil && strings.HasPrefix(ch, "/meta") {
				t.Errorf("subscribing to %s was allowed", ch)
			}
		}
	})
	alice := h.cometd("alice", bayeux.LongPolling)
	id := h.create(`{"channel":"email","agent":"alice","email_object":{"subject":"` + secretSubject + `"}}`)
	alice.want("StatusChange", "Invited", `["Accept","Reject"]`)
	h.op("alice", id, `{"operationName":"Accept"}`)
	alice.want("StatusChange", "Processing", `["StopProcessing","PlaceInQueue","UpdateProperties","PlaceInWorkbin","Transfer","StartConference","Reply","ReplyAll","Forward"]`)
	h.op("alice", id, `{"operationName":"UpdateProperties","properties":{"note":"`+secretProperty+`"}}`)
	alice.want("PropertiesUpdated", "Processing", `["StopProcessing","PlaceInQueue","UpdateProperties","PlaceInWorkbin","Transfer","StartConference","Reply","ReplyAll","Forward"]`)
	h.request("alice", "POST", "/api/v2/me/channels/email", `{"operationName":"NotReady"}`)
	alice.next()
	for _, o := range others {
		o.quiet()
	}
}
