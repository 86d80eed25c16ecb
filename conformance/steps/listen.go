package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/bayeux"
)

// The channels a user listens on when a step names none.
var defaultChannels = []string{"/v2/me/interactions", "/v2/me/channels"}

// received is one delivered message.
type received struct {
	channel string
	data    json.RawMessage
	at      time.Time
}

// listener is one scenario user's CometD session: it pumps delivered
// messages into per-channel queues, in arrival order.
type listener struct {
	user     string
	channels []string // what it subscribed to
	client   *bayeux.Client
	done     chan struct{} // closed when the pump ends

	mu sync.Mutex
	// guards the fields below
	queues map[string][]received // by delivery channel
	wake   chan struct{}         // closed and replaced when a message arrives
	err    error                 // why the session ended, when it did
	last   *received             // the message the last receive step consumed
	// ids are the interactions its messages named, in order: the cleanup
	// after a driver scenario stops them too (an agent's reply is an
	// interaction no driver request created).
	ids []string
}

// listen opens a CometD session for the user and subscribes to the channels.
// The client checks every answer against the rules of docs/bayeux.md: a
// rule the target breaks fails the next step that waits for a message of
// the user, and the scenario at its end (unread). It follows the target's
// advice as the CometD JavaScript client does: after a refused connect
// advising "handshake" it opens a new session, and the messages sent in
// between are missed.
func (w *World) listen(ctx context.Context, user string, channels []string) (*listener, error) {
	a, err := w.actor(user)
	if err != nil {
		return nil, err
	}
	l := &listener{user: user, channels: channels, done: make(chan struct{}), queues: map[string][]received{}, wake: make(chan struct{})}
	c := &bayeux.Client{
		URL:          w.target + w.cfg.Contract.Endpoint(),
		HTTPClient:   w.notifyClient(a),
		Header:       a.header(),
		Transport:    w.transportOf(user),
		FollowAdvice: true,
		OnViolation:  func(bayeux.Violation) { l.alert() },
	}
	l.client = c
	ctx, cancel := context.WithTimeout(ctx, w.cfg.requestTimeout())
	defer cancel()
	if err := c.Handshake(ctx); err != nil {
		c.Close()
		return nil, fmt.Errorf("CometD handshake as %s: %w", user, err)
	}
	if err := c.Subscribe(ctx, channels...); err != nil {
		c.Close()
		return nil, fmt.Errorf("CometD subscribe to %s as %s: %w", strings.Join(channels, ", "), user, err)
	}
	go l.pump()
	return l, nil
}

// notifyClient is the HTTP client of a CometD session: the user's cookie
// jar, no overall timeout (a long poll is held).
func (w *World) notifyClient(a actor) *http.Client {
	if a.user == "" {
		return &http.Client{Transport: w.cfg.HTTP}
	}
	return &http.Client{Jar: w.client(a.user).Jar, Transport: w.cfg.HTTP}
}

func (l *listener) pump() {
	defer close(l.done)
	msgs := l.client.Messages()
	for {
		select {
		case m := <-msgs:
			l.add(m)
		case <-l.client.Done():
			for {
				select {
				case m := <-msgs:
					l.add(m)
				default:
					l.mu.Lock()
					l.err = l.client.Err()
					close(l.wake)
					l.wake = make(chan struct{})
					l.mu.Unlock()
					return
				}
			}
		}
	}
}

func (l *listener) add(m bayeux.Message) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queues[m.Channel] = append(l.queues[m.Channel], received{channel: m.Channel, data: m.Data, at: time.Now()})
	if id := gjson.GetBytes(m.Data, "id"); id.Type == gjson.String && gjson.GetBytes(m.Data, "messageTypeName").String() == "InteractionStateMessage" && !slices.Contains(l.ids, id.Str) {
		l.ids = append(l.ids, id.Str)
	}
	close(l.wake)
	l.wake = make(chan struct{})
}

// alert wakes the steps waiting for a message: the target broke a rule.
func (l *listener) alert() {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.wake)
	l.wake = make(chan struct{})
}

// maxBroken bounds the violations a report lists.
const maxBroken = 5

// broken returns the rules of docs/bayeux.md the target broke in the
// user's session, one line each; nil when it broke none.
func (l *listener) broken() []string {
	if l.client == nil {
		return nil
	}
	vs := l.client.Violations()
	out := make([]string, 0, min(len(vs), maxBroken+1))
	for i, v := range vs {
		if i == maxBroken {
			out = append(out, fmt.Sprintf("(and %d more)", len(vs)-maxBroken))
			break
		}
		out = append(out, v.String())
	}
	return out
}

// brokenErr is the error naming the rules of docs/bayeux.md the target
// broke in the session, or nil.
func (l *listener) brokenErr() error {
	if b := l.broken(); len(b) > 0 {
		return fmt.Errorf("in %s's CometD session %s", l.user, strings.Join(b, "\n"))
	}
	return nil
}

// next takes the next message on channel, waiting up to d. It fails
// first if the target broke a rule of docs/bayeux.md in the session.
func (l *listener) next(ctx context.Context, channel string, d time.Duration) (received, error) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		if err := l.brokenErr(); err != nil {
			return received{}, err
		}
		l.mu.Lock()
		if q := l.queues[channel]; len(q) > 0 {
			m := q[0]
			l.queues[channel] = q[1:]
			l.last = &m
			l.mu.Unlock()
			return m, nil
		}
		if l.err != nil && !errors.Is(l.err, bayeux.ErrClosed) {
			err := l.err
			l.mu.Unlock()
			return received{}, fmt.Errorf("%s's CometD session ended: %w", l.user, err)
		}
		wake := l.wake
		l.mu.Unlock()
		select {
		case <-wake:
		case <-timer.C:
			return received{}, errNoMessage
		case <-ctx.Done():
			return received{}, ctx.Err()
		}
	}
}

var errNoMessage = errors.New("no message")

// unread returns the rules of docs/bayeux.md the target broke in the
// session, then the messages nobody consumed, by arrival.
func (l *listener) unread() []received {
	var out []received
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, q := range l.queues {
		out = append(out, q...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// close ends the session on the target and waits for the pump.
func (l *listener) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = l.client.Disconnect(ctx)
	<-l.done
}

// listenAll opens sessions for several users at once.
func (w *World) listenAll(ctx context.Context, users []string, channels []string) error {
	for _, u := range users {
		if w.listeners[u] != nil {
			return fmt.Errorf("%s is already listening", u)
		}
	}
	// Create the users' HTTP clients first: the handshakes below run at
	// once and must only read w.clients.
	for _, u := range users {
		a, err := w.actor(u)
		if err != nil {
			return err
		}
		if a.user != "" {
			w.client(a.user)
		}
	}
	type result struct {
		l   *listener
		err error
	}
	results := make([]result, len(users))
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			l, err := w.listen(ctx, u, channels)
			results[i] = result{l, err}
		})
	}
	wg.Wait()
	var errs []error
	for i, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		w.listeners[users[i]] = r.l
	}
	return errors.Join(errs...)
}

func (w *World) listener(user string) (*listener, error) {
	if l := w.listeners[user]; l != nil {
		return l, nil
	}
	return nil, fmt.Errorf("%s is not listening for notifications: add a step like \"Given %s is listening\" before the action", user, user)
}

// listeningUsers returns the names of the users with a session, sorted.
func (w *World) listeningUsers() []string {
	out := make([]string, 0, len(w.listeners))
	for u := range w.listeners {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// describeUnread lists unread messages for a report.
func describeUnread(user string, msgs []received) string {
	var b strings.Builder
	for i, m := range msgs {
		fmt.Fprintf(&b, "%s's unread message %d of %d on %s:\n%s\n", user, i+1, len(msgs), m.channel, indent(clip(pretty(m.data), 3000), "  "))
	}
	return b.String()
}
