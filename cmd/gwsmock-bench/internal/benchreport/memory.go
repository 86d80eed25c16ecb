package benchreport

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/loadgen"
)

// An idle session, as measured here, is what an agent desktop that sits
// there holds: handshaken, subscribed to /v2/me/interactions, its first
// connect answered and a second one held by the server (long polling: one
// open HTTP request; WebSocket: one open socket with the connect held on it).
// The clients are raw sockets, so the bench process stays small and only
// the server's resident size is read.

const memoryGoalKiB = 20

// memoryRows measures the resident size of the built binary holding
// o.Sessions idle sessions, for each transport, above the same server with
// none.
func memoryRows(ctx context.Context, o Options) ([]Row, error) {
	limit := raiseFileLimit(uint64(o.Sessions) + 4096)
	path := filepath.Join(o.TempDir, fmt.Sprintf("bench-%d.json", o.Sessions))
	if err := os.WriteFile(path, Fixture(o.Sessions, 0), 0o644); err != nil {
		return nil, err
	}
	var rows []Row
	for _, transport := range []string{bayeux.LongPolling, bayeux.WebSocket} {
		row, err := memoryRow(ctx, o, path, transport, limit)
		if err != nil {
			row = errorRow(memoryFigure(o, transport), memoryGoal(), err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func memoryFigure(o Options, transport string) string {
	return fmt.Sprintf("Resident size per idle CometD session, %d sessions, %s", o.Sessions, transport)
}

func memoryGoal() string { return fmt.Sprintf("≤ %d KiB per session", memoryGoalKiB) }

func memoryRow(ctx context.Context, o Options, fixture, transport string, fileLimit uint64) (Row, error) {
	if fileLimit < uint64(o.Sessions)+64 {
		return Row{}, fmt.Errorf("open-file limit %d is too low for %d sessions (ulimit -n)", fileLimit, o.Sessions)
	}
	// The resident size depends on where the server's garbage collector
	// stands when the last session opens (up to twice the live heap):
	// a fresh server per run, the median of the runs.
	var per []float64
	var runs []string
	var slowest time.Duration
	for i := range o.Reps {
		m, err := memoryOnce(ctx, o, fixture, transport)
		if err != nil {
			return Row{}, err
		}
		o.logf("memory, %s, run %d of %d: %d KiB empty, %d KiB with %d sessions (%.1f KiB each), opened in %v",
			transport, i+1, o.Reps, m.before, m.after, o.Sessions, m.perKiB(o.Sessions), m.took.Round(time.Millisecond))
		per = append(per, m.perKiB(o.Sessions))
		runs = append(runs, fmt.Sprintf("%d→%d", m.before/1024, m.after/1024))
		slowest = max(slowest, m.took)
	}
	med := median(per)
	what := "one long poll held per session (an open HTTP request)"
	if transport == bayeux.WebSocket {
		what = "one WebSocket per session, connect held on it"
	}
	note := fmt.Sprintf("built binary with a %d-agent fixture, one session per agent: handshake + subscribe + first connect answered, then %s; VmRSS of the server before (after 200 sessions opened and closed) and after, MiB, per run: %s; %d runs on fresh servers, per-session KiB %s, median; opened by raw sockets in at most %v",
		o.Sessions, what, strings.Join(runs, ", "), o.Reps, ratios(per), slowest.Round(time.Millisecond))
	if slowest > 25*time.Second {
		note += "; WARNING: opening took longer than the 30 s hold, early polls may have been answered"
	}
	return Row{
		Figure: memoryFigure(o, transport),
		Value:  fmt.Sprintf("**%.1f KiB** per session (%.0f MiB for %d)", med, med*float64(o.Sessions)/1024, o.Sessions),
		Goal:   memoryGoal(), Pass: pass(med <= memoryGoalKiB),
		Note: note,
	}, nil
}

type memoryRun struct {
	before, after int64 // VmRSS, KiB
	took          time.Duration
}

func (m memoryRun) perKiB(sessions int) float64 { return float64(m.after-m.before) / float64(sessions) }

func memoryOnce(ctx context.Context, o Options, fixture, transport string) (memoryRun, error) {
	p, err := startServe(ctx, o.Bin, "--fixture", fixture)
	if err != nil {
		return memoryRun{}, err
	}
	defer p.stop()
	agents := Agents(o.Sessions)
	addr := strings.TrimPrefix(p.URL, "http://")

	// Warm up: open and close a few sessions the same way.
	warm := agents[:min(200, len(agents))]
	conns, _, err := openIdle(ctx, addr, warm, transport, 32)
	closeAll(conns)
	if err != nil {
		return memoryRun{}, fmt.Errorf("warm-up: %w", err)
	}
	time.Sleep(time.Second)
	var m memoryRun
	if m.before, err = rssKiB(p.pid()); err != nil {
		return memoryRun{}, err
	}
	conns, m.took, err = openIdle(ctx, addr, agents, transport, 64)
	defer closeAll(conns)
	if err != nil {
		return memoryRun{}, err
	}
	time.Sleep(time.Second)
	if m.after, err = rssKiB(p.pid()); err != nil {
		return memoryRun{}, err
	}
	return m, nil
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// openIdle opens one idle session per agent with conc workers and returns
// the sockets, left open.
func openIdle(ctx context.Context, addr string, agents []loadgen.Agent, transport string, conc int) ([]net.Conn, time.Duration, error) {
	conns := make([]net.Conn, len(agents))
	var next atomic.Int64
	var firstErr error
	var errOnce sync.Once
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(agents) || ctx.Err() != nil {
					return
				}
				c, err := idleSession(addr, agents[i], transport)
				if err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("session of %s: %w", agents[i].UserName, err) })
					next.Store(int64(len(agents)))
					return
				}
				conns[i] = c
			}
		})
	}
	wg.Wait()
	return conns, time.Since(start), firstErr
}

func idleSession(addr string, ag loadgen.Agent, transport string) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	s := &rawSession{c: c, br: bufio.NewReaderSize(c, 1024), addr: addr, auth: basicAuth(ag)}
	if transport == bayeux.WebSocket {
		err = s.openWS()
	} else {
		err = s.openLP()
	}
	_ = c.SetDeadline(time.Time{})
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func basicAuth(ag loadgen.Agent) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(ag.UserName+":"+ag.Password))
}

type rawSession struct {
	c        net.Conn
	br       *bufio.Reader
	addr     string
	auth     string
	clientID string
}

const subscribeFmt = `[{"channel":"/meta/subscribe","clientId":%q,"subscription":"/v2/me/interactions","id":"2"}]`

// openLP: handshake, subscribe, first connect (answered at once), second
// connect (held: its answer is not read).
func (s *rawSession) openLP() error {
	r, err := s.post("/handshake", `[{"channel":"/meta/handshake","version":"1.0","supportedConnectionTypes":["long-polling"],"id":"1"}]`)
	if err != nil {
		return err
	}
	if s.clientID, err = clientID(r); err != nil {
		return err
	}
	if _, err := s.post("/", fmt.Sprintf(subscribeFmt, s.clientID)); err != nil {
		return err
	}
	if _, err := s.post("/connect", fmt.Sprintf(`[{"channel":"/meta/connect","clientId":%q,"connectionType":"long-polling","advice":{"timeout":0},"id":"3"}]`, s.clientID)); err != nil {
		return err
	}
	return s.send("/connect", fmt.Sprintf(`[{"channel":"/meta/connect","clientId":%q,"connectionType":"long-polling","id":"4"}]`, s.clientID))
}

func (s *rawSession) send(sub, body string) error {
	req := fmt.Sprintf("POST /api/v2/notifications%s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: %d\r\n\r\n%s",
		sub, s.addr, s.auth, len(body), body)
	_, err := io.WriteString(s.c, req)
	return err
}

func (s *rawSession) post(sub, body string) ([]byte, error) {
	if err := s.send(sub, body); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(s.br, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("POST %s: HTTP %d: %s", sub, resp.StatusCode, b)
	}
	return b, checkReplies(b)
}

func checkReplies(b []byte) error {
	var ms []bayeux.Message
	if err := json.Unmarshal(b, &ms); err != nil {
		return fmt.Errorf("reply %s: %w", b, err)
	}
	for _, m := range ms {
		if m.IsReply() && !m.OK() {
			return fmt.Errorf("%s refused: %s", m.Channel, m.Error)
		}
	}
	return nil
}

func clientID(b []byte) (string, error) {
	var ms []bayeux.Message
	if err := json.Unmarshal(b, &ms); err != nil || len(ms) == 0 || ms[0].ClientID == "" {
		return "", fmt.Errorf("handshake reply without clientId: %s", b)
	}
	return ms[0].ClientID, nil
}

// openWS: upgrade, then the same messages as frames; the second connect
// is held on the socket.
func (s *rawSession) openWS() error {
	var key [16]byte
	_, _ = rand.Read(key[:])
	req := fmt.Sprintf("GET /api/v2/notifications HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n\r\n",
		s.addr, s.auth, base64.StdEncoding.EncodeToString(key[:]))
	if _, err := io.WriteString(s.c, req); err != nil {
		return err
	}
	resp, err := http.ReadResponse(s.br, nil)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return fmt.Errorf("websocket upgrade: HTTP %d", resp.StatusCode)
	}
	r, err := s.frame(`[{"channel":"/meta/handshake","version":"1.0","supportedConnectionTypes":["websocket"],"id":"1"}]`)
	if err != nil {
		return err
	}
	if s.clientID, err = clientID(r); err != nil {
		return err
	}
	if _, err := s.frame(fmt.Sprintf(subscribeFmt, s.clientID)); err != nil {
		return err
	}
	if _, err := s.frame(fmt.Sprintf(`[{"channel":"/meta/connect","clientId":%q,"connectionType":"websocket","advice":{"timeout":0},"id":"3"}]`, s.clientID)); err != nil {
		return err
	}
	return s.writeFrame(fmt.Sprintf(`[{"channel":"/meta/connect","clientId":%q,"connectionType":"websocket","id":"4"}]`, s.clientID))
}

// frame sends one text frame and reads the reply frame.
func (s *rawSession) frame(text string) ([]byte, error) {
	if err := s.writeFrame(text); err != nil {
		return nil, err
	}
	b, err := s.readFrame()
	if err != nil {
		return nil, err
	}
	return b, checkReplies(b)
}

// writeFrame writes a masked text frame, as a client must.
func (s *rawSession) writeFrame(text string) error {
	p := []byte(text)
	var h bytes.Buffer
	h.WriteByte(0x81)
	switch {
	case len(p) < 126:
		h.WriteByte(0x80 | byte(len(p)))
	case len(p) <= 0xffff:
		h.WriteByte(0x80 | 126)
		_ = binary.Write(&h, binary.BigEndian, uint16(len(p)))
	default:
		return errors.New("frame too long")
	}
	var mask [4]byte
	_, _ = rand.Read(mask[:])
	h.Write(mask[:])
	for i := range p {
		p[i] ^= mask[i%4]
	}
	h.Write(p)
	_, err := s.c.Write(h.Bytes())
	return err
}

// readFrame reads one unfragmented, unmasked server frame.
func (s *rawSession) readFrame() ([]byte, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(s.br, hdr[:]); err != nil {
		return nil, err
	}
	if hdr[0]&0x0f != 0x1 {
		return nil, fmt.Errorf("websocket: opcode %d, want a text frame", hdr[0]&0x0f)
	}
	n := uint64(hdr[1] & 0x7f)
	switch n {
	case 126:
		var l uint16
		if err := binary.Read(s.br, binary.BigEndian, &l); err != nil {
			return nil, err
		}
		n = uint64(l)
	case 127:
		if err := binary.Read(s.br, binary.BigEndian, &n); err != nil {
			return nil, err
		}
	}
	if n > 1<<20 {
		return nil, fmt.Errorf("websocket: frame of %d bytes", n)
	}
	b := make([]byte, n)
	_, err := io.ReadFull(s.br, b)
	return b, err
}
