package steps_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/spec"
)

func contract(t *testing.T) *steps.Contract {
	t.Helper()
	api, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctl, err := spec.LoadControl()
	if err != nil {
		t.Fatal(err)
	}
	c, err := steps.NewContract(api, ctl)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const stateChange = `{
  "messageTypeName": "InteractionStateMessage", "notificationType": "StatusChange",
  "id": "00009a8T8Y130123", "channel": "email", "interactionType": "Inbound", "interactionSubType": "InboundNew",
  "state": %STATE%, "capabilities": [], "participants": [], "userData": {},
  "receivedDate": "2026-11-23 10:00:00.000+0000",
  "uri": "http://127.0.0.1:8090/api/v2/interactions/00009a8T8Y130123", "path": "/interactions/00009a8T8Y130123"%EXTRA%
}`

func message(state, extra string) string {
	return strings.NewReplacer("%STATE%", state, "%EXTRA%", extra).Replace(stateChange)
}

func TestCheckNotification(t *testing.T) {
	c := contract(t)
	if got := c.Endpoint(); got != "/api/v2/notifications" {
		t.Errorf("Endpoint() = %q", got)
	}
	tests := []struct {
		name, channel, data string
		wantErr             []string // substrings of the error; nil: valid
	}{
		{"a state change", "/v2/me/interactions", message(`"Completed"`, ""), nil},
		{"a state that does not exist", "/v2/me/interactions", message(`"Working"`, ""), []string{"state"}},
		{"a missing required field", "/v2/me/interactions", strings.Replace(message(`"Completed"`, ""), `"capabilities": [],`, "", 1), []string{"capabilities"}},
		{"an extra field", "/v2/me/interactions", message(`"Completed"`, `, "mood": "happy"`), nil},
		{
			"an extra field in a participant", "/v2/me/interactions",
			strings.Replace(message(`"Completed"`, ""), `"participants": []`, `"participants": [{"userId": "c9e053a7a19626b5b05b478b4fdcc0ab", "userName": "alice", "role": "Owner", "displayName": "Alice"}]`, 1),
			nil,
		},
		{"null for an optional field", "/v2/me/interactions", message(`"Completed"`, `, "referenceId": null, "currentQueue": null`), nil},
		{"null for a required field", "/v2/me/interactions", strings.Replace(message(`"Completed"`, ""), `"capabilities": []`, `"capabilities": null`, 1), []string{"capabilities"}},
		{"an id of another length", "/v2/me/interactions", strings.ReplaceAll(message(`"Completed"`, ""), "00009a8T8Y130123", "a1B2c3"), nil},
		{"an id that is not alphanumeric", "/v2/me/interactions", strings.ReplaceAll(message(`"Completed"`, ""), "00009a8T8Y130123", "a1-B2c3"), []string{"id"}},
		{"a uri on another host and path", "/v2/me/interactions", strings.Replace(message(`"Completed"`, ""), "http://127.0.0.1:8090/", "https://gws.example.com/gws/", 1), nil},
		{
			"a LeftConference message to a remaining party without leftAgentId", "/v2/me/interactions",
			strings.Replace(message(`"LeftConference"`, ""), `"StatusChange"`, `"ParticipantsUpdated"`, 1),
			[]string{"LeftConferenceNotification", "leftAgentId"},
		},
		{
			"a LeftConference message to a remaining party", "/v2/me/interactions",
			strings.Replace(message(`"LeftConference"`, `, "leftAgentId": "c9e053a7a19626b5b05b478b4fdcc0ab"`), `"StatusChange"`, `"ParticipantsUpdated"`, 1),
			nil,
		},
		{
			"a workbin content message", "/v2/me/interactions",
			strings.Replace(message(`"InWorkbin"`, `, "workbin": "26e2857e-f707-5ced-9b20-3f5523f43849", "referenceId": 3`), `"StatusChange"`, `"WorkbinContent"`, 1),
			nil,
		},
		{"the old workbin content wrapper", "/v2/me/interactions", `{"messageTypeName": "WorkbinContent", "workbin": "26e2857e-f707-5ced-9b20-3f5523f43849", "interactions": []}`, []string{"data"}},
		{"the old notificationType", "/v2/me/interactions", strings.Replace(message(`"Completed"`, ""), `"StatusChange"`, `"StateChange"`, 1), []string{"notificationType"}},
		{"the old properties", "/v2/me/interactions", strings.Replace(message(`"Completed"`, ""), `"userData"`, `"properties"`, 1), []string{"userData"}},
		{"a state change the caller caused", "/v2/me/interactions", message(`"Completed"`, `, "referenceId": 7`), nil},
		{"a channel state the caller caused", "/v2/me/channels", `{"messageTypeName": "ChannelStateMessage", "channel": "email", "state": "Ready", "referenceId": 2}`, nil},
		{"a state change on the alias", "/me/interactions", message(`"Completed"`, ""), nil},
		{"a channel state on the alias", "/me/channels", `{"messageTypeName": "ChannelStateMessage", "channel": "email", "state": "Ready"}`, nil},
		{"a channel state", "/v2/me/channels", `{"messageTypeName": "ChannelStateMessage", "channel": "email", "state": "Ready"}`, nil},
		{"a channel state on the wrong channel", "/v2/me/interactions", `{"messageTypeName": "ChannelStateMessage", "channel": "email", "state": "Ready"}`, []string{"MeInteractionsMessage"}},
		{"an unknown channel", "/v2/me/other", `{}`, []string{"/v2/me/other", "/v2/me/channels", "/v2/me/interactions"}},
		{"not JSON", "/v2/me/channels", `{`, []string{"JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.CheckNotification(tt.channel, []byte(tt.data))
			switch {
			case tt.wantErr == nil && err != nil:
				t.Errorf("CheckNotification: %v", err)
			case tt.wantErr != nil && err == nil:
				t.Errorf("CheckNotification passed, want an error naming %q", tt.wantErr)
			case err != nil:
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("CheckNotification: %v; want it to name %q", err, w)
					}
				}
			}
		})
	}
}

func TestCheckResponse(t *testing.T) {
	c := contract(t)
	json := http.Header{"Content-Type": {"application/json"}}
	with := func(kv ...string) http.Header {
		h := json.Clone()
		for i := 0; i < len(kv); i += 2 {
			h.Add(kv[i], kv[i+1])
		}
		return h
	}
	const me = `{"statusCode":0,"user":{"id":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","firstName":"A","lastName":"B","roles":["agent"]}}`
	const unauthorized = `{"statusCode":20,"statusMessage":"authentication required"}`
	tests := []struct {
		name, method, path string
		status             int
		body               string
		wantErr            string      // substring; "" valid
		header             http.Header // default: JSON
	}{
		{"a valid user", "GET", "/api/v2/me", 200, `{"statusCode":0,"user":{"id":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","firstName":"A","lastName":"B","roles":["agent"]}}`, "", nil},
		{"a user without id", "GET", "/api/v2/me", 200, `{"statusCode":0,"user":{"userName":"alice","firstName":"A","lastName":"B","roles":["agent"]}}`, "id", nil},
		{
			"a user with its subresources", "GET", "/api/v2/me?subresources=*", 200,
			`{"statusCode":0,"user":{"id":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","firstName":"A","lastName":"B","roles":["agent"],` +
				`"channels":[{"channel":"email","userState":{"state":"Ready","displayName":"Ready"}}],"devices":[]}}`, "", nil,
		},
		{"the channels of a user", "GET", "/api/v2/me/channels", 200, `{"statusCode":0,"channels":[{"channel":"email","userState":{"state":"NotReady","displayName":"NotReady"}}]}`, "", nil},
		{"the old channel list", "GET", "/api/v2/me/channels", 200, `{"statusCode":0,"channels":[{"channel":"email","state":"Ready"}]}`, "channels", nil},
		{"an undeclared status", "GET", "/api/v2/me", 418, `{"statusCode":4,"statusMessage":"teapot"}`, "418", nil},
		{"an operation answer", "POST", "/api/v2/me/interactions/00009a8T8Y130123", 200, `{"status":"ok","statusCode":0,"referenceId":1}`, "", nil},
		{"a session operation answer", "POST", "/api/v2/me", 200, `{"status":"ok","statusCode":0,"referenceId":12}`, "", nil},
		{
			"an operation refusal", "POST", "/api/v2/me/interactions/00009a8T8Y130123", 409,
			`{"status":"error","errorDescription":"not invited","statusCode":2,"statusMessage":"not invited"}`, "", nil,
		},
		{"a control answer", "POST", "/control/v1/reset", 200, `{"status":"ok"}`, "", nil},
		{"a bad control answer", "POST", "/control/v1/interactions", 201, `{"id":"00009a8T8Y130123"}`, "uri", nil},
		{"a path no spec describes", "GET", "/elsewhere", 200, `nonsense`, "", nil},
		{"the Bayeux endpoint", "POST", "/api/v2/notifications/connect", 200, `[]`, "", nil},
		{"a user with an extra field", "GET", "/api/v2/me", 200, strings.Replace(me, `"roles"`, `"employeeId":"E1","roles"`, 1), "", nil},
		{"a user with null for an optional field", "GET", "/api/v2/me", 200, strings.Replace(me, `"roles"`, `"channels":null,"roles"`, 1), "", nil},
		{"an answer with an extra field", "POST", "/api/v2/me/interactions/00009a8T8Y130123", 200, `{"status":"ok","statusCode":0,"referenceId":1,"requestId":"r-1"}`, "", nil},
		{"a created interaction with another id length", "POST", "/control/v1/interactions", 201, `{"id":"ab12","uri":"https://gws.example.com/gws/api/v2/interactions/ab12","extra":true}`, "", nil},
		{"a session cookie", "GET", "/api/v2/me", 200, me, "", with("Set-Cookie", "JSESSIONID=abc; Path=/")},
		{"a load balancer's cookie before the session cookie", "GET", "/api/v2/me", 200, me, "", with("Set-Cookie", "AWSALB=xyz; Path=/", "Set-Cookie", "JSESSIONID=abc; Path=/")},
		{"only a load balancer's cookie", "GET", "/api/v2/me", 200, me, "", with("Set-Cookie", "AWSALB=xyz; Path=/")},
		{"an empty session cookie", "GET", "/api/v2/me", 200, me, `header Set-Cookie ["JSESSIONID=; Path=/"]`, with("Set-Cookie", "AWSALB=xyz; Path=/", "Set-Cookie", "JSESSIONID=; Path=/")},
		{"a Basic challenge", "GET", "/api/v2/me", 401, unauthorized, "", with("WWW-Authenticate", `Basic realm="gws"`)},
		{"a Basic challenge with a charset", "GET", "/api/v2/me", 401, unauthorized, "", with("WWW-Authenticate", `Basic realm="gws", charset="UTF-8"`)},
		{"a Basic challenge after another", "GET", "/api/v2/me", 401, unauthorized, "", with("WWW-Authenticate", `Bearer realm="x"`, "WWW-Authenticate", `Basic realm="gws"`)},
		{"no Basic challenge", "GET", "/api/v2/me", 401, unauthorized, `header WWW-Authenticate ["Bearer realm=\"gws\""]`, with("WWW-Authenticate", `Bearer realm="gws"`)},
		{"no challenge", "GET", "/api/v2/me", 401, unauthorized, "header WWW-Authenticate", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = json
			}
			err := c.CheckResponse(tt.method, tt.path, http.Header{}, nil, tt.status, h, []byte(tt.body))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("CheckResponse: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("CheckResponse passed, want an error naming %q", tt.wantErr)
			case err != nil && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("CheckResponse: %v; want it to name %q", err, tt.wantErr)
			}
		})
	}
}
