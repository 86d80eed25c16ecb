package bayeux

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/tidwall/gjson"
)

// ErrClosed is returned by a Client that was closed or disconnected.
var ErrClosed = errors.New("bayeux: client closed")

// ErrAdvisedNone is the end of a connect loop that the server stopped with
// advice reconnect "none" on a successful connect.
var ErrAdvisedNone = errors.New(`bayeux: the server advised reconnect "none"`)

// maxNetworkDelay is added to the server's timeout advice to bound a
// connect request, as the CometD client does.
const maxNetworkDelay = 10 * time.Second

// A Client that follows advice gives up after maxRefusals refused connects
// in a row, and waits backoffStep more before each retry than before the
// last (the CometD client waits 1 s more each time, and never gives up).
const (
	maxRefusals = 3
	backoffStep = 250 * time.Millisecond
)

// Client is a Bayeux client for tests and the conformance runner, over
// long polling or WebSocket. Handshake starts a background connect loop that
// feeds Messages until Disconnect, Close, or the loop fails (see Err). Set
// the fields before Handshake. A Client serves one session at a time.
//
// The client checks every answer, reply and delivery it receives against
// the rules of docs/bayeux.md and records what breaks one as a Violation
// (see Violations); it carries on as well as it can, so that only a caller
// that asks is affected.
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
	// FollowAdvice makes a refused connect follow the server's advice as
	// the CometD JavaScript client does: "retry" connects again after the
	// advised interval, "handshake" opens a new session and subscribes it
	// to the channels of the old one (what was sent in between is lost),
	// "none" ends the loop. The loop ends after maxRefusals refusals in a
	// row. Without it the first refused connect ends the loop.
	FollowAdvice bool
	// OnViolation, when set, is called with each violation as it is
	// recorded (see Violations), from the goroutine that received the
	// offending answer: it must not block.
	OnViolation func(Violation)

	startOnce sync.Once
	msgs      chan Message
	stop      chan struct{} // closed by Close
	done      chan struct{} // closed when the connect loop has ended
	wg        sync.WaitGroup
	// session serializes Subscribe, Unsubscribe and a new handshake, so
	// that a subscription made meanwhile reaches the new session.
	session sync.Mutex

	mu         sync.Mutex // guards the fields below
	clientID   string
	nextID     uint64
	timeout    time.Duration // the server's hold, from advice
	interval   time.Duration
	reconnect  string // the last advised reconnect; "" is "retry"
	ackOn      bool
	batch      int64
	subs       []string // the session's subscriptions, for a new handshake
	handshakes int      // successful handshakes
	err        error
	closed     bool
	leaving    bool // Disconnect was called: the loop's end is not a failure
	started    bool // the connect loop was started
	ws         *websocket.Conn
	wsErr      error
	wsDone     chan struct{}
	waiters    map[string]waiter
	abandoned  map[string]bool // ids of WebSocket calls that stopped waiting
	violations []Violation
	dropped    int // violations beyond maxViolations
	cancel     context.CancelFunc
}

// waiter is a WebSocket call waiting for its reply.
type waiter struct {
	channel string
	reply   chan Message
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
		c.waiters = make(map[string]waiter)
		c.abandoned = make(map[string]bool)
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

// Handshakes returns how many sessions the client opened: 1 after
// Handshake, more when it followed advice to handshake again.
func (c *Client) Handshakes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.handshakes
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
	r, err := c.handshake(ctx)
	if err != nil {
		return err
	}
	loopCtx, cancel := context.WithCancel(context.Background())
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		cancel()
		return ErrClosed
	}
	c.adopt(r)
	c.cancel = cancel
	c.started = true
	c.mu.Unlock()
	c.wg.Go(func() { c.loop(loopCtx) })
	return nil
}

// handshake sends a /meta/handshake and returns its successful reply.
func (c *Client) handshake(ctx context.Context) (Message, error) {
	m := Message{Channel: MetaHandshake, Version: "1.0", MinimumVersion: "1.0", SupportedConnectionTypes: []string{c.transport()}}
	if c.Ack {
		m.Ext = map[string]any{"ack": true}
	}
	r, err := c.call(ctx, m)
	if err != nil {
		return Message{}, fmt.Errorf("bayeux: handshake: %w", err)
	}
	if !r.OK() {
		return Message{}, r.Err()
	}
	return r, nil
}

// adopt makes the session of a successful handshake reply the client's.
// Called with c.mu held.
func (c *Client) adopt(r Message) {
	ack, _ := r.Ext["ack"].(bool)
	c.clientID = r.ClientID
	c.ackOn = c.Ack && ack
	c.batch = 0
	c.handshakes++
	c.advise(r.Advice)
}

// advise records the server's advice. Called with c.mu held.
func (c *Client) advise(a *Advice) {
	if a == nil {
		return
	}
	if a.Reconnect != "" {
		c.reconnect = a.Reconnect
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
	c.session.Lock()
	defer c.session.Unlock()
	if err := c.meta(ctx, Message{Channel: MetaSubscribe, Subscription: channels}); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range channels {
		if !slices.Contains(c.subs, ch) {
			c.subs = append(c.subs, ch)
		}
	}
	return nil
}

// Unsubscribe removes subscriptions.
func (c *Client) Unsubscribe(ctx context.Context, channels ...string) error {
	c.session.Lock()
	defer c.session.Unlock()
	if err := c.meta(ctx, Message{Channel: MetaUnsubscribe, Subscription: channels}); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subs = slices.DeleteFunc(c.subs, func(ch string) bool { return slices.Contains(channels, ch) })
	return nil
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
	refusals := 0 // refused connects in a row
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
		wait, reconnect := c.interval, c.reconnect
		c.mu.Unlock()
		switch {
		case r.OK():
			refusals = 0
			// "handshake" here breaks bayeux.md 5 (call recorded it):
			// carry on as for "retry".
			if reconnect == ReconnectNone {
				c.finish(ErrAdvisedNone)
				return
			}
		case !c.FollowAdvice:
			c.finish(r.Err())
			return
		default:
			refusals++
			switch {
			case refusals >= maxRefusals:
				c.finish(fmt.Errorf("bayeux: connect refused %d times in a row: %w", refusals, r.Err()))
				return
			case reconnect == ReconnectNone:
				c.finish(fmt.Errorf(`bayeux: connect refused with advice reconnect "none": %w`, r.Err()))
				return
			case reconnect == ReconnectHandshake:
				if !pause(ctx, wait) {
					c.finish(ErrClosed)
					return
				}
				if err := c.rehandshake(ctx); err != nil {
					c.finish(err)
					return
				}
				first = true
				continue
			}
			wait += time.Duration(refusals-1) * backoffStep
		}
		if !pause(ctx, wait) {
			c.finish(ErrClosed)
			return
		}
	}
}

// pause waits d; false when ctx ends first.
func pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// rehandshake opens a new session, as the server advised after refusing a
// connect, and subscribes it to the channels of the old one.
func (c *Client) rehandshake(ctx context.Context) error {
	c.session.Lock()
	defer c.session.Unlock()
	ctx, cancel := context.WithTimeout(ctx, maxNetworkDelay)
	defer cancel()
	r, err := c.handshake(ctx)
	if err != nil {
		return fmt.Errorf("bayeux: handshake again at the server's advice: %w", err)
	}
	c.mu.Lock()
	c.adopt(r)
	subs := slices.Clone(c.subs)
	c.mu.Unlock()
	if len(subs) == 0 {
		return nil
	}
	if err := c.meta(ctx, Message{Channel: MetaSubscribe, Subscription: subs}); err != nil {
		return fmt.Errorf("bayeux: subscribe the new session: %w", err)
	}
	return nil
}

// deliver hands a delivered message to Messages.
func (c *Client) deliver(m Message) {
	select {
	case c.msgs <- m:
	case <-c.stop:
	}
}

// call sends one message and returns its reply, checked against the rules
// (violations are recorded, not returned); deliveries that arrive in the
// same answer are handed to Messages first.
func (c *Client) call(ctx context.Context, m Message) (Message, error) {
	c.mu.Lock()
	c.nextID++
	m.ID = strconv.FormatUint(c.nextID, 10)
	c.mu.Unlock()
	r, err := c.exchange(ctx, m)
	if err == nil {
		c.checkReply(m, r)
	}
	return r, err
}

// exchange sends m on the client's transport and waits for its reply.
func (c *Client) exchange(ctx context.Context, m Message) (Message, error) {
	c.mu.Lock()
	ws := c.ws
	var wait chan Message
	var wsDone chan struct{}
	if ws != nil {
		wait = make(chan Message, 1)
		c.waiters[m.ID] = waiter{channel: m.Channel, reply: wait}
		wsDone = c.wsDone
	}
	c.mu.Unlock()
	if ws == nil {
		return c.post(ctx, m)
	}
	defer func() {
		c.mu.Lock()
		if _, waiting := c.waiters[m.ID]; waiting {
			delete(c.waiters, m.ID)
			c.abandoned[m.ID] = true
		}
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
	what := fmt.Sprintf("the answer to %s id %q", m.Channel, m.ID)
	if resp.StatusCode != http.StatusOK {
		c.violate("C1", fmt.Sprintf("%s has HTTP status %d", what, resp.StatusCode), data)
		return Message{}, fmt.Errorf("HTTP %s: %s", resp.Status, bytes.TrimSpace(data))
	}
	msgs, err := c.decode(what, data)
	if err != nil {
		return Message{}, err
	}
	var reply *Message
	var strays []Message // replies with another id
	for i := range msgs {
		r := &msgs[i]
		switch {
		case !r.IsReply():
			c.received(*r)
		case r.ID == m.ID:
			if reply == nil {
				reply = r
			}
		default:
			strays = append(strays, *r)
		}
	}
	for _, r := range strays {
		switch {
		case reply == nil && r.Channel == m.Channel:
			c.violate("C2", fmt.Sprintf("the reply to %s id %q came back with %s", m.Channel, m.ID, idText(r.ID)), r)
			reply = &r
		default:
			c.stray(r)
		}
	}
	if reply == nil {
		c.violate("C2", fmt.Sprintf("%s holds no reply with its id", what), data)
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
		msgs, err = c.decode("a WebSocket frame", data)
		if err != nil {
			conn.Close(websocket.StatusInvalidFramePayloadData, "not Bayeux JSON")
			return
		}
		for _, m := range msgs {
			if !m.IsReply() {
				c.received(m)
			}
		}
		for _, m := range msgs {
			if m.IsReply() {
				c.answer(m)
			}
		}
	}
}

// answer hands a reply that came on the WebSocket to the call waiting for
// it.
func (c *Client) answer(m Message) {
	c.mu.Lock()
	w, ok := c.waiters[m.ID]
	delete(c.waiters, m.ID)
	late := c.abandoned[m.ID]
	delete(c.abandoned, m.ID)
	var mismatch string
	if !ok && !late {
		// A reply with another id: the one call of its channel it may
		// answer.
		var id string
		for wid, x := range c.waiters {
			if x.channel == m.Channel {
				if id != "" {
					id = ""
					break
				}
				id = wid
			}
		}
		if id != "" {
			w, ok = c.waiters[id], true
			delete(c.waiters, id)
			mismatch = fmt.Sprintf("the reply to %s id %q came back with %s", m.Channel, id, idText(m.ID))
		}
	}
	c.mu.Unlock()
	if mismatch != "" {
		c.violate("C2", mismatch, m)
	}
	switch {
	case ok:
		w.reply <- m
	case !late:
		c.stray(m)
	}
}

// Violation is something the server sent that breaks one of the rules of
// docs/bayeux.md ("## The rules", whose items are numbered C1 to C14).
type Violation struct {
	// Rule is the rule's id, for example "C2".
	Rule string
	// Text says what broke the rule, in one line.
	Text string
	// Message is the offending message or answer, as one line of JSON
	// (clipped).
	Message string
}

// String formats the violation as one line.
func (v Violation) String() string {
	return fmt.Sprintf("the server broke Bayeux rule %s (docs/bayeux.md): %s: %s", v.Rule, v.Text, v.Message)
}

// maxViolations bounds what a Client keeps of a server that breaks the
// rules on every exchange; the rest are counted.
const maxViolations = 100

// Violations returns what the server sent so far that breaks the rules of
// docs/bayeux.md, in the order it came (at most maxViolations, then one
// that counts the rest).
func (c *Client) Violations() []Violation {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := slices.Clone(c.violations)
	if c.dropped > 0 {
		out = append(out, Violation{Rule: out[len(out)-1].Rule, Text: fmt.Sprintf("and %d more violations", c.dropped), Message: "(not kept)"})
	}
	return out
}

// violate records a violation of rule; what is the offending Message or
// the raw answer.
func (c *Client) violate(rule, text string, what any) {
	var line string
	switch w := what.(type) {
	case []byte:
		var b bytes.Buffer
		if json.Compact(&b, w) == nil {
			line = b.String()
		} else {
			line = strings.Join(strings.Fields(string(w)), " ")
		}
	default:
		b, _ := json.Marshal(w)
		line = string(b)
	}
	if len(line) > 500 {
		line = line[:500] + "..."
	}
	v := Violation{Rule: rule, Text: text, Message: line}
	c.mu.Lock()
	if len(c.violations) < maxViolations {
		c.violations = append(c.violations, v)
	} else {
		c.dropped++
	}
	c.mu.Unlock()
	if c.OnViolation != nil {
		c.OnViolation(v)
	}
}

// idText names a message id in a violation.
func idText(id string) string {
	if id == "" {
		return "no id"
	}
	return fmt.Sprintf("id %q", id)
}

// decode reads an answer (what names it) and checks bayeux.md 1: a
// non-empty JSON array of messages. A bare message object is read
// nonetheless.
func (c *Client) decode(what string, data []byte) ([]Message, error) {
	msgs, err := DecodeMessages(data)
	if err != nil {
		c.violate("C1", fmt.Sprintf("%s is not a JSON array of messages (%v)", what, err), data)
		return nil, err
	}
	if bytes.TrimSpace(data)[0] == '{' {
		c.violate("C1", what+" is a JSON object, not an array", data)
		return msgs, nil
	}
	// The client's ids are strings: a reply must echo them as strings
	// (Message reads a numeric id as its text).
	i := 0
	gjson.ParseBytes(data).ForEach(func(_, v gjson.Result) bool {
		if i >= len(msgs) {
			return false
		}
		if id := v.Get("id"); msgs[i].IsReply() && id.Exists() && id.Type != gjson.String && id.Type != gjson.Null {
			c.violate("C2", fmt.Sprintf("the reply on %s echoes the string id %q as %s, not a string", msgs[i].Channel, msgs[i].ID, id.Raw), msgs[i])
		}
		i++
		return true
	})
	return msgs, nil
}

// received checks a delivered message (bayeux.md 3) and hands it to
// Messages unless it has no channel to go by.
func (c *Client) received(m Message) {
	switch {
	case m.Channel == "":
		c.violate("C3", "a delivered message has no channel", m)
		return
	case IsMeta(m.Channel):
		c.violate("C3", fmt.Sprintf("a message on %s has no successful", m.Channel), m)
		return
	case len(m.Data) == 0:
		c.violate("C3", fmt.Sprintf("a message delivered on %s has no data", m.Channel), m)
	}
	c.deliver(m)
}

// stray handles a message with "successful" that answers no call: a
// delivery that carries successful (bayeux.md 3), which is delivered, or a
// reply to nothing the client sent (bayeux.md 2).
func (c *Client) stray(m Message) {
	if m.Channel != "" && !IsMeta(m.Channel) {
		c.violate("C3", fmt.Sprintf("a message delivered on %s carries successful", m.Channel), m)
		c.deliver(m)
		return
	}
	c.violate("C2", fmt.Sprintf("a reply on %s with %s answers no message the client sent", m.Channel, idText(m.ID)), m)
}

// checkReply checks the reply r to m against what the rules require of
// every reply: advice (bayeux.md 5), the handshake reply's fields
// (bayeux.md 5), the advice of an unknown session (bayeux.md 7) and the
// form of errors (bayeux.md 13).
func (c *Client) checkReply(m, r Message) {
	what := fmt.Sprintf("the reply to %s id %q", m.Channel, m.ID)
	if a := r.Advice; a != nil {
		if a.Reconnect == "" {
			c.violate("C5", what+" carries advice without reconnect", r)
		}
		if r.OK() && a.Reconnect == ReconnectHandshake {
			c.violate("C5", fmt.Sprintf(`%s is successful and advises reconnect "handshake"`, what), r)
		}
	}
	if !r.OK() {
		if r.Error != "" && !wellFormedError(r.Error) {
			c.violate("C13", fmt.Sprintf("%s has error %q, not code:args:message", what, r.Error), r)
		}
		if e := ParseError(r.Error); e.Code == 402 && (r.Advice == nil || r.Advice.Reconnect != ReconnectHandshake) {
			c.violate("C7", fmt.Sprintf(`%s refuses with %s without advice reconnect "handshake"`, what, r.Error), r)
		}
		return
	}
	if m.Channel != MetaHandshake {
		return
	}
	var missing []string
	if r.ClientID == "" {
		missing = append(missing, "clientId")
	}
	if r.Version == "" {
		missing = append(missing, "version")
	}
	if !slices.Contains(r.SupportedConnectionTypes, c.transport()) {
		missing = append(missing, fmt.Sprintf("%q in supportedConnectionTypes", c.transport()))
	}
	if r.Advice == nil {
		missing = append(missing, "advice")
	}
	if len(missing) > 0 {
		c.violate("C5", fmt.Sprintf("%s lacks %s", what, strings.Join(missing, ", ")), r)
	}
}

// wellFormedError reports whether s has the form code:args:message, with
// a three-digit code.
func wellFormedError(s string) bool {
	code, rest, ok := strings.Cut(s, ":")
	if !ok || len(code) != 3 || strings.Trim(code, "0123456789") != "" {
		return false
	}
	_, _, ok = strings.Cut(rest, ":")
	return ok
}
