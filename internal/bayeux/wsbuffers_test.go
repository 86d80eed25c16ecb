package bayeux

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/internal/wait"
)

// maskedFrame is one client text frame (under 126 bytes of text, zero mask).
func maskedFrame(text string) []byte {
	return append([]byte{0x81, 0x80 | byte(len(text)), 0, 0, 0, 0}, text...)
}

// TestWebSocketFrameSentWithTheUpgrade: a client that sends its first
// frame in the same write as the upgrade request (net/http has it in its
// buffer when the connection is hijacked) gets it answered; the small
// buffers the socket reads through must start with those bytes.
func TestWebSocketFrameSentWithTheUpgrade(t *testing.T) {
	ts := httptest.NewServer(testServer())
	defer ts.Close()
	c, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(wait.Timeout)) // a hang fails the test
	upgrade := "GET /cometd HTTP/1.1\r\nHost: gws.test\r\nX-User: alice\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
	if _, err := c.Write(append([]byte(upgrade), maskedFrame(handshakeReq("1"))...)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", res, err)
	}
	var hdr [2]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		t.Fatalf("no reply frame: %v", err)
	}
	n := int(hdr[1])
	if n == 126 {
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			t.Fatal(err)
		}
		n = int(l[0])<<8 | int(l[1])
	}
	if hdr[0] != 0x81 || n > 0xffff {
		t.Fatalf("reply frame header % x, want an unmasked text frame", hdr)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(br, b); err != nil {
		t.Fatal(err)
	}
	msgs, err := DecodeMessages(b)
	if err != nil || len(msgs) != 1 || msgs[0].Channel != MetaHandshake || msgs[0].ClientID == "" {
		t.Fatalf("reply %s (%v), want a successful handshake", b, err)
	}
}
