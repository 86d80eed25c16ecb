package bayeux

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
)

// benchPayload is the size and shape of an interaction notification.
var benchPayload = json.RawMessage(`{"messageTypeName":"InteractionStateMessage","notificationType":"StateChange","id":"00009a8T8Y130123","channel":"email","interactionType":"Inbound","interactionSubType":"InboundNew","state":"Processing","capabilities":["StopProcessing","PlaceInQueue","UpdateProperties","PlaceInWorkbin","Transfer","StartConference"],"currentQueue":"email-inbound","ownerId":"c9e053a7a19626b5b05b478b4fdcc0ab","participants":[{"userId":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","role":"Owner"}],"properties":{},"email_object":{"subject":"Where is my order?","from":"pat@example.com"},"receivedDate":"2026-11-23 10:00:00.000+0000","uri":"http://127.0.0.1:8090/api/v2/interactions/00009a8T8Y130123","path":"/interactions/00009a8T8Y130123"}`)

// benchSessions opens one session per principal u0..u(n-1), subscribed to
// /v2/me/** and past its first connect.
func benchSessions(b *testing.B, s *Server, n int) []string {
	b.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = openSession(b, s, fmt.Sprintf("u%d", i), "/v2/me/**", false)
	}
	return ids
}

// BenchmarkDeliverToOneOf1000 measures what one notification costs when
// 1,000 agents are connected: Deliver finds the one user's session among
// them, queues the message and releases its held connect, whose reply is
// written. This is the path of every contact-center event.
func BenchmarkDeliverToOneOf1000(b *testing.B) {
	s := testServer()
	defer s.Close()
	ids := benchSessions(b, s, 1000)
	const user = 500
	principal := fmt.Sprintf("u%d", user)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		done := lp(s, context.Background(), principal, connectReq(ids[user], "4"))
		for !heldConnect(s, ids[user]) {
			runtime.Gosched() // setup, outside the timer
		}
		b.StartTimer()
		if n := s.Deliver(principal, "/v2/me/interactions", benchPayload); n != 1 {
			b.Fatalf("Deliver reached %d sessions, want 1", n)
		}
		<-done
	}
}

// BenchmarkDeliverQueued measures Deliver alone to a session whose
// connect is not held (the message waits in its queue), among 1,000.
func BenchmarkDeliverQueued(b *testing.B) {
	s := testServer()
	defer s.Close()
	ids := benchSessions(b, s, 1000)
	const user = 500
	principal := fmt.Sprintf("u%d", user)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		if s.Deliver(principal, "/v2/me/interactions", benchPayload) != 1 {
			b.Fatal("not delivered")
		}
		if n++; n == DefaultMaxQueue/2 {
			b.StopTimer()
			roundTrip(b, s, principal, connectReq(ids[user], "5")) // drain
			n = 0
			b.StartTimer()
		}
	}
}
