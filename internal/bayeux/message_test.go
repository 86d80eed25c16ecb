package bayeux

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeMessages(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    []Message
		wantErr bool
	}{
		{
			name: "array",
			body: `[{"channel":"/meta/handshake","id":"1"},{"channel":"/a","data":{"x":1}}]`,
			want: []Message{{Channel: "/meta/handshake", ID: "1"}, {Channel: "/a", Data: json.RawMessage(`{"x":1}`)}},
		},
		{
			name: "single object",
			body: ` {"channel":"/meta/connect","clientId":"c1","id":"7"} `,
			want: []Message{{Channel: "/meta/connect", ClientID: "c1", ID: "7"}},
		},
		{
			name: "subscription string",
			body: `{"channel":"/meta/subscribe","subscription":"/a/*"}`,
			want: []Message{{Channel: "/meta/subscribe", Subscription: Subscription{"/a/*"}}},
		},
		{
			name: "subscription array",
			body: `{"channel":"/meta/subscribe","subscription":["/a","/b/**"]}`,
			want: []Message{{Channel: "/meta/subscribe", Subscription: Subscription{"/a", "/b/**"}}},
		},
		{
			name: "numeric id kept as its text, marked a number",
			body: `{"channel":"/meta/connect","id":12}`,
			want: []Message{{Channel: "/meta/connect", ID: "12", idNumber: true}},
		},
		{
			name: "advice and ext",
			body: `{"channel":"/meta/connect","advice":{"timeout":0},"ext":{"ack":3}}`,
			want: []Message{{Channel: "/meta/connect", Advice: &Advice{Timeout: int64p(0)}, Ext: map[string]any{"ack": 3.0}}},
		},
		{name: "not JSON", body: `channel=/meta/handshake`, wantErr: true},
		{name: "empty body", body: ``, wantErr: true},
		{name: "empty array", body: `[]`, wantErr: true},
		{name: "number", body: `42`, wantErr: true},
		{name: "array of numbers", body: `[1,2]`, wantErr: true},
		{name: "truncated", body: `[{"channel":"/meta/handshake"`, wantErr: true},
		{name: "subscription number", body: `{"channel":"/meta/subscribe","subscription":5}`, wantErr: true},
		{name: "id object", body: `{"channel":"/a","id":{}}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeMessages([]byte(tt.body))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("DecodeMessages(%s) = %+v, want an error", tt.body, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeMessages(%s): %v", tt.body, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DecodeMessages(%s)\n got %+v\nwant %+v", tt.body, got, tt.want)
			}
		})
	}
}

func TestMarshalMessage(t *testing.T) {
	tests := []struct {
		name string
		m    Message
		want string
	}{
		{
			name: "one subscription is a string",
			m:    Message{Channel: MetaSubscribe, ID: "3", Successful: &jsonTrue, Subscription: Subscription{"/a"}},
			want: `{"channel":"/meta/subscribe","id":"3","successful":true,"subscription":"/a"}`,
		},
		{
			name: "several subscriptions are an array",
			m:    Message{Channel: MetaSubscribe, Subscription: Subscription{"/a", "/b"}},
			want: `{"channel":"/meta/subscribe","subscription":["/a","/b"]}`,
		},
		{
			name: "advice keeps zero interval",
			m:    Message{Channel: MetaConnect, Advice: &Advice{Reconnect: ReconnectRetry, Interval: int64p(0), Timeout: int64p(30000)}},
			want: `{"channel":"/meta/connect","advice":{"reconnect":"retry","interval":0,"timeout":30000}}`,
		},
		{
			name: "delivery has no successful",
			m:    Message{Channel: "/a", Data: json.RawMessage(`{"x":1}`)},
			want: `{"channel":"/a","data":{"x":1}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(&tt.m)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); got != tt.want {
				t.Errorf("Marshal\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		in   string
		want Error
		back string
	}{
		{"402::session_unknown", Error{Code: 402, Message: "session_unknown"}, "402::session_unknown"},
		{"403::Publish denied", Error{Code: 403, Message: "Publish denied"}, "403::Publish denied"},
		{"403:c1,/foo:Subscription denied", Error{Code: 403, Args: []string{"c1", "/foo"}, Message: "Subscription denied"}, "403:c1,/foo:Subscription denied"},
		{"401:x", Error{Code: 401, Message: "x"}, "401::x"},
		{"something broke", Error{Message: "something broke"}, "0::something broke"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := ParseError(tt.in)
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("ParseError(%q) = %+v, want %+v", tt.in, *got, tt.want)
			}
			if s := got.Error(); s != tt.back {
				t.Errorf("Error() = %q, want %q", s, tt.back)
			}
		})
	}
}

// TestRepliesEchoNumericIDs: a request whose id is a JSON number gets it
// back as that number, and a string id as a string, on every reply
// (docs/bayeux.md C2; the CometD client compares ids with ===).
func TestRepliesEchoNumericIDs(t *testing.T) {
	s := testServer()
	defer s.Close()
	hs := roundTrip(t, s, "alice", `[{"channel":"/meta/handshake","id":7,"version":"1.0","supportedConnectionTypes":["long-polling"]}]`)
	client := hs[0].ClientID
	tests := []struct {
		name, body, want string
	}{
		{"handshake", `[{"channel":"/meta/handshake","id":8,"version":"1.0","supportedConnectionTypes":["long-polling"]}]`, `"id":8,`},
		{"subscribe", `[{"channel":"/meta/subscribe","id":9,"clientId":"` + client + `","subscription":"/a"}]`, `"id":9,`},
		{"first connect", `[{"channel":"/meta/connect","id":10,"clientId":"` + client + `","connectionType":"long-polling"}]`, `"id":10,`},
		{"unsubscribe", `[{"channel":"/meta/unsubscribe","id":-11,"clientId":"` + client + `","subscription":"/a"}]`, `"id":-11,`},
		{"unknown session", `[{"channel":"/meta/connect","id":1.5e3,"clientId":"nobody","connectionType":"long-polling"}]`, `"id":1.5e3,`},
		{"a string id stays a string", `[{"channel":"/meta/disconnect","id":"12","clientId":"` + client + `"}]`, `"id":"12",`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := <-lp(s, context.Background(), "alice", tt.body)
			if !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("answer %s\nwant it to contain %s", rec.Body, tt.want)
			}
		})
	}
}
