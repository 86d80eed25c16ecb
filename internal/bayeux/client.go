package bayeux

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// ErrClosed is returned by a Client that was closed or disconnected.
var ErrClosed = errors.New("bayeux: client closed")

// maxNetworkDelay is added to the server's timeout advice to bound a
// connect request, as the CometD client does.
const maxNetworkDelay = 10 * time.Second

// Client is a Bayeux client for tests and the conformance runner, over
// long polling or WebSocket. Handshake starts a background connect loop that
// feeds Messages until Disconnect, Close, or the loop fails (see Err). Set
// the fields before Handshake. A Client serves one session.
type Client struct {
	// URL is the Bayeux endpoint, http(s)://host/path; for WebSocket the
	// scheme becomes ws(s).
	URL string
	// HTTPClient sends requests, its Jar keeps cookies. Default
	// http.DefaultClient.
	HTTPClient *http.Client
	// Header is added to every request and to the WebSocket upgrade
	// (credentials, for example Authorization).
	Header http.Header
	// Transport is LongPolling (default) or WebSocket.
	Transport string
	// Ack asks for the ack extension.
	Ack bool
	// Buffer is the capacity of Messages. Default 1024. When it is full
	// the connect loop waits for the reader.
	Buffer int

	startOnce sync.Once
	msgs      chan Message
	stop      chan struct{} // closed by Close
	done      chan struct{} // closed when the connect loop has ended
	wg        sync.WaitGroup

	mu       sync.Mutex // guards the fields below
	clientID string
	nextID   uint64
	timeout  time.Duration // the server's hold, from advice
	interval time.Duration
	ackOn    bool
	batch    int64
	err      error
	closed   bool
	leaving  bool // Disconnect was called: the loop's end is not a failure
	started  bool // the connect loop was started
	ws       *websocket.Conn
	wsErr    error
	wsDone   chan struct{}
	waiters  map[string]chan Message
	cancel   context.CancelFunc
}

func (c *Client) start() {
	c.startOnce.Do(func() {
		n := c.Buffer
		if n <= 0 {
			n = 1024
		}
		c.msgs = make(chan Message, n)
		c.stop = make(chan struct{})
		c.done = make(chan struct{})
		c.waiters = make(map[string]chan Message)
	})
}

func (c *Client) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return http.DefaultClient
}

func (c *Client) transport() string {
	if c.Transport == "" {
		return LongPolling
	}
	return c.Transport
}

// ClientID returns the session id, "" before a successful Handshake.
func (c *Client) ClientID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clientID
}

// Messages returns the channel of delivered messages. It is never closed;
// Done tells when no more will come.
func (c *Client) Messages() <-chan Message {
	c.start()
	return c.msgs
}

// Done is closed when the connect loop has ended (Close, Disconnect, or a
// failure reported by Err).
func (c *Client) Done() <-chan struct{} {
	c.start()
	return c.done
}

// Err returns why the connect loop ended: ErrClosed after Close or
// Disconnect, an *Error when the server refused a connect (for example
// 402::session_unknown), or a transport error. nil while it runs.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Receive returns the next delivered message. It fails with ctx's error,
// or with Err once the connect loop has ended and no message is left.
func (c *Client) Receive(ctx context.Context) (Message, error) {
	c.start()
	select {
	case m := <-c.msgs:
		return m, nil
	default:
	}
	select {
	case m := <-c.msgs:
		return m, nil
	case <-ctx.Done():
		return Message{}, ctx.Err()
	case <-c.done:
		select {
		case m := <-c.msgs:
			return m, nil
		default:
			return Message{}, c.Err()
		}
	}
}

// Handshake opens the session and starts the connect loop. It returns an
// *Error when the server refuses the handshake.
func (c *Client) Handshake(ctx context.Context) error {
	c.start()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	if c.clientID != "" {
		c.mu.Unlock()
		return errors.New("bayeux: handshake: client already has a session")
	}
	c.mu.Unlock()
	if c.transport() == WebSocket {
		if err := c.dial(ctx); err != nil {
			return err
		}
	}
	m := Message{Channel: MetaHandshake, Version: "1.0", MinimumVersion: "1.0", SupportedConnectionTypes: []string{c.transport()}}
	if c.Ack {
		m.Ext = map[string]any{"ack": true}
	}
	r, err := c.call(ctx, m)
	if err != nil {
		return fmt.Errorf("bayeux: handshake: %w", err)
	}
	if !r.OK() {
		return r.Err()
	}
	ack, _ := r.Ext["ack"].(bool)
	loopCtx, cancel := context.WithCancel(context.Background())
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		cancel()
		return ErrClosed
	}
	c.clientID = r.ClientID
	c.ackOn = c.Ack && ack
	c.advise(r.Advice)
	c.cancel = cancel
	c.started = true
	c.mu.Unlock()
	c.wg.Go(func() { c.loop(loopCtx) })
	return nil
}

// advise records the server's advice. Called with c.mu held.
func (c *Client) advise(a *Advice) {
	if a == nil {
		return
	}
	if a.Timeout != nil {
		c.timeout = time.Duration(*a.Timeout) * time.Millisecond
	}
	if a.Interval != nil {
		c.interval = time.Duration(*a.Interval) * time.Millisecond
	}
}

// Subscribe subscribes to channels (names or trailing-wildcard patterns)
// in one message. It returns an *Error when the server refuses.
func (c *Client) Subscribe(ctx context.Context, channels ...string) error {
	return c.meta(ctx, Message{Channel: MetaSubscribe, Subscription: channels})
}

// Unsubscribe removes subscriptions.
func (c *Client) Unsubscribe(ctx context.Context, channels ...string) error {
	return c.meta(ctx, Message{Channel: MetaUnsubscribe, Subscription: channels})
}

// Publish publishes data on channel. It returns an *Error when the server
// refuses (for example 403::Publish denied).
func (c *Client) Publish(ctx context.Context, channel string, data json.RawMessage) error {
	return c.meta(ctx, Message{Channel: channel, Data: data})
}

func (c *Client) meta(ctx context.Context, m Message) error {
	id := c.ClientID()
	if id == "" {
		return errors.New("bayeux: no session: call Handshake first")
	}
	m.ClientID = id
	r, err := c.call(ctx, m)
	if err != nil {
		return fmt.Errorf("bayeux: %s: %w", m.Channel, err)
	}
	return r.Err()
}

// Disconnect ends the session on the server, then closes the client.
func (c *Client) Disconnect(ctx context.Context) error {
	id := c.ClientID()
	if id == "" {
		return c.Close()
	}
	c.mu.Lock()
	c.leaving = true
	c.mu.Unlock()
	_, err := c.call(ctx, Message{Channel: MetaDisconnect, ClientID: id})
	cerr := c.Close()
	if err != nil {
		return fmt.Errorf("bayeux: disconnect: %w", err)
	}
	return cerr
}

// Close stops the connect loop and closes the WebSocket, without telling
// the server (the session is swept). It waits for the client's goroutines.
func (c *Client) Close() error {
	c.start()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		c.wg.Wait()
		return nil
	}
	c.closed = true
	close(c.stop)
	if c.cancel != nil {
		c.cancel()
	}
	ws := c.ws
	started := c.started
	c.mu.Unlock()
	if ws != nil {
		ws.Close(websocket.StatusNormalClosure, "")
	}
	if !started {
		c.finish(ErrClosed)
	}
	c.wg.Wait()
	return nil
}

func (c *Client) finish(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	if err == nil {
		err = ErrClosed
	}
	c.err = err
	close(c.done)
}

func (c *Client) loop(ctx context.Context) {
	first := true
	for {
		c.mu.Lock()
		m := Message{Channel: MetaConnect, ClientID: c.clientID, ConnectionType: c.transport()}
		if first {
			m.Advice = &Advice{Timeout: int64p(0)}
		}
		if c.ackOn {
			m.Ext = map[string]any{"ack": c.batch}
		}
		limit := c.timeout + maxNetworkDelay
		c.mu.Unlock()

		cctx, cancel := context.WithTimeout(ctx, limit)
		r, err := c.call(cctx, m)
		cancel()
		c.mu.Lock()
		leaving := c.leaving
		c.mu.Unlock()
		if ctx.Err() != nil || leaving {
			c.finish(ErrClosed)
			return
		}
		if err != nil {
			c.finish(fmt.Errorf("bayeux: connect: %w", err))
			return
		}
		first = false
		c.mu.Lock()
		c.advise(r.Advice)
		if n, ok := r.Ext["ack"].(float64); ok && c.ackOn && r.OK() {
			c.batch = int64(n)
		}
		interval := c.interval
		c.mu.Unlock()
		if !r.OK() {
			c.finish(r.Err())
			return
		}
		if r.Advice != nil && r.Advice.Reconnect == ReconnectNone {
			c.finish(ErrClosed)
			return
		}
		if interval > 0 {
			t := time.NewTimer(interval)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				c.finish(ErrClosed)
				return
			}
		}
	}
}

// deliver hands a delivered message to Messages.
func (c *Client) deliver(m Message) {
	select {
	case c.msgs <- m:
	case <-c.stop:
	}
}

// call sends one message and returns its reply; deliveries that arrive in
// the same response are handed to Messages first.
func (c *Client) call(ctx context.Context, m Message) (Message, error) {
	c.mu.Lock()
	c.nextID++
	m.ID = strconv.FormatUint(c.nextID, 10)
	ws := c.ws
	var wait chan Message
	var wsDone chan struct{}
	if ws != nil {
		wait = make(chan Message, 1)
		c.waiters[m.ID] = wait
		wsDone = c.wsDone
	}
	c.mu.Unlock()
	if ws == nil {
		return c.post(ctx, m)
	}
	defer func() {
		c.mu.Lock()
		delete(c.waiters, m.ID)
		c.mu.Unlock()
	}()
	b, err := json.Marshal([]Message{m})
	if err != nil {
		return Message{}, err
	}
	if err := ws.Write(ctx, websocket.MessageText, b); err != nil {
		return Message{}, err
	}
	select {
	case r := <-wait:
		return r, nil
	case <-wsDone:
		c.mu.Lock()
		err := c.wsErr
		c.mu.Unlock()
		return Message{}, fmt.Errorf("websocket closed: %w", err)
	case <-ctx.Done():
		return Message{}, ctx.Err()
	}
}

// post sends one message by long polling, to the endpoint's sub-path for
// meta messages as the CometD client does.
func (c *Client) post(ctx context.Context, m Message) (Message, error) {
	body, err := json.Marshal([]Message{m})
	if err != nil {
		return Message{}, err
	}
	u := strings.TrimSuffix(c.URL, "/")
	if IsMeta(m.Channel) {
		u += m.Channel[len("/meta"):]
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return Message{}, err
	}
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return Message{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Message{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return Message{}, fmt.Errorf("HTTP %s: %s", resp.Status, bytes.TrimSpace(data))
	}
	msgs, err := DecodeMessages(data)
	if err != nil {
		return Message{}, err
	}
	var reply *Message
	for i := range msgs {
		r := &msgs[i]
		switch {
		case !r.IsReply():
			c.deliver(*r)
		case r.ID == m.ID && reply == nil:
			reply = r
		}
	}
	if reply == nil {
		return Message{}, fmt.Errorf("no reply with id %s in %s", m.ID, data)
	}
	return *reply, nil
}

// dial opens the WebSocket and starts its reader.
func (c *Client) dial(ctx context.Context) error {
	u := c.URL
	switch {
	case strings.HasPrefix(u, "http://"):
		u = "ws://" + u[len("http://"):]
	case strings.HasPrefix(u, "https://"):
		u = "wss://" + u[len("https://"):]
	}
	conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: c.HTTPClient, HTTPHeader: c.Header})
	if err != nil {
		return fmt.Errorf("bayeux: websocket: %w", err)
	}
	conn.SetReadLimit(maxBody)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		conn.CloseNow()
		return ErrClosed
	}
	c.ws = conn
	c.wsDone = make(chan struct{})
	done := c.wsDone
	c.mu.Unlock()
	c.wg.Go(func() { c.read(conn, done) })
	return nil
}

// read dispatches the frames of the WebSocket: deliveries to Messages,
// then replies to the calls waiting for them.
func (c *Client) read(conn *websocket.Conn, done chan struct{}) {
	var err error
	defer func() {
		c.mu.Lock()
		c.wsErr = err
		c.mu.Unlock()
		close(done)
		conn.CloseNow()
	}()
	for {
		var data []byte
		_, data, err = conn.Read(context.Background())
		if err != nil {
			return
		}
		var msgs []Message
		msgs, err = DecodeMessages(data)
		if err != nil {
			conn.Close(websocket.StatusInvalidFramePayloadData, "not Bayeux JSON")
			return
		}
		for _, m := range msgs {
			if !m.IsReply() {
				c.deliver(m)
			}
		}
		for _, m := range msgs {
			if !m.IsReply() {
				continue
			}
			c.mu.Lock()
			w := c.waiters[m.ID]
			delete(c.waiters, m.ID)
			c.mu.Unlock()
			if w != nil {
				w <- m
			}
		}
	}
}
