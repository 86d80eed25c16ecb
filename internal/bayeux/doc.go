// Package bayeux owns the Bayeux 1.0 protocol as CometD and Faye clients
// speak it: the message format, channel names and globbing, a server
// (sessions, long polling, WebSocket, the ack extension) and a client.
//
// The package knows channels and messages, never what they mean: the
// embedding application authenticates handshakes (Server.Authenticate),
// decides who may subscribe and publish (Server.CanSubscribe,
// Server.CanPublish) and hands messages to the sessions of one principal
// (Server.Deliver, or Server.DeliverAs for a message that also travels
// under alias channel names).
//
// # Protocol decisions
//
// Every answer is a JSON array with HTTP 200 (400 only for a body that is
// not JSON), on HTTP and on every WebSocket frame. Replies echo the request's
// id and carry "successful"; delivered messages carry "channel" and "data"
// only. Error strings have the form "code:args:message".
//
// A /meta/connect is answered at once when it is the first of its session,
// when it carries advice.timeout 0, when it is batched with other messages,
// or when messages wait for the session; otherwise it is held up to
// Server.Timeout and released by a message, by /meta/disconnect, or by a
// newer connect of the same session (the older one is answered empty and
// successful). A session has at most one held connect.
//
// Messages reach a long-polling client in the reply to its connect. On a
// WebSocket, messages are pushed as they come and the connect reply stays a
// heartbeat, except for sessions that use the ack extension: as in CometD,
// their messages always travel in connect replies, which are numbered
// (ext.ack) and kept until a later connect acknowledges them, so a reply
// lost with a broken poll is sent again.
//
// # Files
//
// server.go: the Server and its lifecycle; registry.go: sessions by clientId
// and principal; session.go: one session's queue; deliver.go: fan-out;
// sweep.go: idle sessions; meta.go: meta-channel handlers; longpoll.go and
// websocket.go: the transports; message.go, channel.go: wire format; client.go.
package bayeux
