package steps

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gwsmock/gwsmock/internal/jsonmatch"
)

// eventsPath is gwsmock's journal as Server-Sent Events (spec/control.yaml
// GET /events): beyond the driver contract, so only @mock scenarios follow it.
const eventsPath = "/control/v1/events"

// controlDefs is the vocabulary of gwsmock's own control API that the
// generic request steps cannot express: its live event stream.
func controlDefs() []*Def {
	return []*Def{
		{
			Pattern: `^control follows the event stream(?: from (?P<since>\S+))?$`,
			Doc: `Opens GET /control/v1/events (after the journal entry whose seq is given, a number or {{variable}}) and ` +
				`keeps reading it in the background until the scenario ends; the steps below take its events in order. @mock ` +
				`scenarios only: the stream is gwsmock's, beyond the driver contract.`,
			Example: `Given control follows the event stream from {{mark}}`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				return w.followEvents(ctx, a[0])
			},
		},
		{
			Pattern: `^the event stream sends an? (?P<type>[\w-]+) event matching:$`,
			Doc: `Takes the stream's events of this type in order (events of other types stay for their own steps), waiting up to the notification timeout, until one of this type (state, ` +
				`gap, or message: a journal entry) whose data matches the docstring; the events of this type it passes on the ` +
				`way are dropped. Captures bind variables.`,
			Example:    `Then the event stream sends a state event matching:`,
			ExampleDoc: `{"version": "{{capture:v1}}"}`,
			DocString:  true,
			run: func(ctx context.Context, w *World, a []string, doc string) error {
				if w.events == nil {
					return errors.New(`no event stream is open: add a step like "Given control follows the event stream" first`)
				}
				return w.events.await(ctx, w, a[0], doc, w.cfg.notifyTimeout())
			},
		},
	}
}

// sseEvent is one event of a Server-Sent Events stream (WHATWG HTML,
// "server-sent events"): its type ("message" when the stream names none),
// id and data lines joined.
type sseEvent struct {
	typ, id, data string
}

// String is the event as a report lists it.
func (e sseEvent) String() string {
	return fmt.Sprintf("event: %s, data: %s", e.typ, clip(e.data, 300))
}

// eventStream reads an SSE stream in the background for one scenario.
type eventStream struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when the reader stops

	mu     sync.Mutex
	events []sseEvent    // received, not yet taken
	wake   chan struct{} // signalled when events or err change
	err    error         // why the reader stopped, once it has
	seen   []string      // what await dropped, for its failure message
}

// followEvents opens the event stream of the target's control API.
func (w *World) followEvents(ctx context.Context, since string) error {
	if !w.mock {
		return fmt.Errorf("GET %s is not in the driver contract: tag the scenario @mock", eventsPath)
	}
	if w.events != nil {
		return errors.New("the event stream is already open in this scenario")
	}
	url := w.target + eventsPath
	if since != "" {
		s, err := jsonmatch.Expand(since, w.vars)
		if err != nil {
			return fmt.Errorf("since: %w", err)
		}
		url += "?since=" + s
	}
	// The stream outlives the step: its context is the scenario's, ended
	// by World.End.
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	req, err := http.NewRequestWithContext(sctx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	if w.cfg.ControlToken != "" {
		req.Header.Set("Authorization", "Bearer "+w.cfg.ControlToken)
	}
	resp, err := (&http.Client{Transport: w.cfg.HTTP}).Do(req)
	if err != nil {
		cancel()
		return fmt.Errorf("GET %s: %w", eventsPath, err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
		resp.Body.Close()
		cancel()
		return fmt.Errorf("GET %s: expected 200 text/event-stream, got %d %s: %s", eventsPath, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	s := &eventStream{cancel: cancel, done: make(chan struct{}), wake: make(chan struct{}, 1)}
	go func() {
		defer close(s.done)
		defer resp.Body.Close()
		err := readSSE(resp.Body, s.add)
		if err == nil {
			err = io.EOF
		}
		s.stop(err)
	}()
	w.events = s
	return nil
}

// closeEvents ends the scenario's event stream, if one is open.
func (w *World) closeEvents() {
	if w.events == nil {
		return
	}
	w.events.cancel()
	<-w.events.done
	w.events = nil
}

func (s *eventStream) add(e sseEvent) {
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
	s.signal()
}

func (s *eventStream) stop(err error) {
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
	s.signal()
}

func (s *eventStream) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// await takes the events of type typ in order until one whose data matches
// doc, for at most timeout. Events of other types stay for the steps that
// await them: the stream's order between a state change and a journal
// entry is not promised.
func (s *eventStream) await(ctx context.Context, w *World, typ, doc string, timeout time.Duration) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	s.mu.Lock()
	s.seen = s.seen[:0]
	s.mu.Unlock()
	for {
		s.mu.Lock()
		matched := false
		kept := s.events[:0]
		for _, e := range s.events {
			switch {
			case matched || e.typ != typ:
				kept = append(kept, e)
			case w.match("the "+typ+" event", doc, []byte(e.data)) == nil:
				matched = true
			default:
				s.seen = append(s.seen, e.String())
			}
		}
		s.events = kept
		stopped := s.err
		s.mu.Unlock()
		if matched {
			return nil
		}
		if stopped != nil {
			return fmt.Errorf("the event stream ended (%v) without a %s event matching the document; it sent:\n%s", stopped, typ, s.describeSeen())
		}
		select {
		case <-s.wake:
		case <-timer.C:
			return fmt.Errorf("no %s event matching the document within %v; the %s events it sent meanwhile:\n%s\nevents of other types waiting for their steps:\n%s", typ, timeout, typ, s.describeSeen(), s.describeWaiting())
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// describeWaiting lists the events no step has taken yet.
func (s *eventStream) describeWaiting() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.events) == 0 {
		return "  none"
	}
	lines := make([]string, len(s.events))
	for i, e := range s.events {
		lines[i] = e.String()
	}
	return indent(strings.Join(lines, "\n"), "  ")
}

func (s *eventStream) describeSeen() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seen) == 0 {
		return "  nothing"
	}
	return indent(strings.Join(s.seen, "\n"), "  ")
}

// readSSE parses a Server-Sent Events stream (WHATWG HTML 9.2.6): lines up
// to a blank line make one event; "event", "data" (joined by newlines) and
// "id" fields count, comments (":") and "retry" do not, and a block
// without data dispatches nothing. It calls add per event and returns the
// reader's error (nil at the end of the stream).
func readSSE(r io.Reader, add func(sseEvent)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var (
		e    sseEvent
		data []string
	)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			if data != nil {
				e.data = strings.Join(data, "\n")
				if e.typ == "" {
					e.typ = "message"
				}
				add(e)
			}
			e, data = sseEvent{}, nil
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			e.typ = value
		case "data":
			data = append(data, value)
		case "id":
			e.id = value
		}
	}
	return sc.Err()
}
