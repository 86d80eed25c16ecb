package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/internal/jsonmatch"
)

const (
	methods       = `(?P<method>GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)`
	withinPattern = `(?: within (?P<n>\d+) ?(?P<unit>ms|s))?`
)

// genericDefs is the generic vocabulary: everything that talks to the
// target. Domain steps are built from these.
func genericDefs() []*Def {
	return []*Def{
		{
			Pattern: `^` + actorPattern + ` sends ` + methods + ` (?P<path>\S+)$`,
			Doc: `Sends a request without a body to the target; the path starts at the target's root and may hold {{variables}}. ` +
				`The actor is a scenario user (Basic credentials and the user's cookie jar), "USER:PASSWORD" (other credentials), ` +
				`"USER by cookie" (only the session cookie an earlier response set), "anonymous" (no credentials) or "control" ` +
				`(the test-control client, with the control token when one is set). The response becomes the last response; it is ` +
				`validated against spec/openapi.yaml or spec/control.yaml and the step fails if it breaks them.`,
			Example: `When alice sends GET /api/v2/me/interactions?fields=*`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				return w.send(ctx, a[0], a[1], a[2], nil)
			},
		},
		{
			Pattern:    `^` + actorPattern + ` sends ` + methods + ` (?P<path>\S+) with:$`,
			Doc:        `Sends a request with the docstring as its JSON body ({{variables}} expanded; the text is sent as written, so it may be deliberately malformed). Otherwise like the step above.`,
			Example:    `When alice sends POST /api/v2/me/interactions/{{it}} with:`,
			ExampleDoc: `{"operationName": "Accept"}`,
			DocString:  true,
			run: func(ctx context.Context, w *World, a []string, doc string) error {
				return w.send(ctx, a[0], a[1], a[2], &doc)
			},
		},
		{
			Pattern: `^` + actorPattern + ` sends ` + methods + ` (?P<path>\S+) with headers:$`,
			Doc: `Sends a request with the headers the docstring lists, one "Name: value" a line ({{variables}} expanded), ` +
				`beside the actor's credentials; after a blank line, the rest of the docstring is the JSON body. The request carries ` +
				`exactly these headers: no CSRF token is added for it, even when the target runs in CSRF mode. Otherwise like the ` +
				`steps above. {{origin}} is a browser origin the target allows (the target file's modes.origin).`,
			Example:    `When alice sends OPTIONS /api/v2/me with headers:`,
			ExampleDoc: "Origin: {{origin}}\nAccess-Control-Request-Method: POST",
			DocString:  true,
			run: func(ctx context.Context, w *World, a []string, doc string) error {
				header, body, err := parseHeaderDoc(doc)
				if err != nil {
					return err
				}
				return w.sendWith(ctx, a[0], a[1], a[2], body, header)
			},
		},
		{
			Pattern: `^the response status is (?P<status>\d{3})$`,
			Doc:     `The last response has this HTTP status.`,
			Example: `Then the response status is 200`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				x, err := w.lastExchange()
				if err != nil {
					return err
				}
				want, _ := strconv.Atoi(a[0])
				if x.status != want {
					return fmt.Errorf("the response to %s: expected status %d, got %d; body:\n%s", x, want, x.status, indent(clip(pretty(x.body), 3000), "  "))
				}
				return nil
			},
		},
		{
			Pattern:    `^the response matches:$`,
			Doc:        `The last response's JSON body matches the docstring: a partial document with placeholders; captures bind variables.`,
			Example:    `Then the response matches:`,
			ExampleDoc: `{"statusCode": 0, "uris": ["{{contains}}", "{{it.uri}}"]}`,
			DocString:  true,
			run: func(ctx context.Context, w *World, _ []string, doc string) error {
				x, err := w.lastExchange()
				if err != nil {
					return err
				}
				return w.match("the response to "+x.String(), doc, x.body)
			},
		},
		{
			Pattern: `^the response has (?P<n>\d+) (?P<field>\S+)$`,
			Doc:     `The array at this path (gjson syntax) of the last response's body has exactly that many elements.`,
			Example: `Then the response has 0 uris`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				x, err := w.lastExchange()
				if err != nil {
					return err
				}
				return count("the response to "+x.String(), x.body, a[1], a[0])
			},
		},
		{
			Pattern: `^the response header (?P<name>\S+) matches "(?P<regex>.*)"$`,
			Doc: `The last response has this header and one of its values matches the regular expression (Go syntax, unanchored). ` +
				`Of several Set-Cookie headers only those setting JSESSIONID count, when there are any; a Basic challenge of ` +
				`WWW-Authenticate also counts reduced to its realm (Basic realm="..."), without the parameters RFC 7617 allows after it. ` +
				`A {{variable}} in the expression stands for its value, matched literally.`,
			Example: `Then the response header WWW-Authenticate matches "^Basic realm=\"[^\"]*\"$"`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				x, err := w.lastExchange()
				if err != nil {
					return err
				}
				pattern, err := w.quotedVars(strings.ReplaceAll(a[1], `\"`, `"`))
				if err != nil {
					return fmt.Errorf("header pattern: %w", err)
				}
				re, err := regexp.Compile(pattern)
				if err != nil {
					return fmt.Errorf("header pattern: %w", err)
				}
				return matchHeader(x, a[0], re)
			},
		},
		{
			Pattern: `^the response has no header (?P<name>\S+)$`,
			Doc:     `The last response does not carry this header.`,
			Example: `Then the response has no header Access-Control-Allow-Origin`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				x, err := w.lastExchange()
				if err != nil {
					return err
				}
				if v, ok := x.header[textproto.CanonicalMIMEHeaderKey(a[0])]; ok {
					return fmt.Errorf("the response to %s has the header %s %q; it should have none", x, a[0], v)
				}
				return nil
			},
		},
		{
			Pattern: `^the maxInterval the handshake advises is saved as (?P<variable>\S+)$`,
			Doc: `The last response holds a /meta/handshake reply: binds the variable to the maxInterval, in milliseconds, its ` +
				`advice names; when it names none, to the target file's modes.maxInterval, else to 10000 (docs/bayeux.md C8).`,
			Example: `And the maxInterval the handshake advises is saved as maxInterval`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				x, err := w.lastExchange()
				if err != nil {
					return err
				}
				ms, err := advisedMaxInterval(x.body, time.Duration(w.cfg.Modes.MaxInterval))
				if err != nil {
					return fmt.Errorf("the response to %s: %w", x, err)
				}
				w.vars[a[0]] = strconv.AppendFloat(nil, ms, 'f', -1, 64)
				return nil
			},
		},
		{
			Pattern: `^no connect comes for longer than \{\{(?P<name>[\w.@-]+)\}\} ms$`,
			Doc: `Waits, sending nothing, for the variable's milliseconds (a maxInterval), half as long again, and one more second: ` +
				`room for a server that sweeps idle sessions periodically (docs/bayeux.md C8).`,
			Example: `When no connect comes for longer than {{maxInterval}} ms`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				text, err := jsonmatch.Expand("{{"+a[0]+"}}", w.vars)
				if err != nil {
					return err
				}
				ms, err := strconv.ParseFloat(text, 64)
				if err != nil || ms < 0 {
					return fmt.Errorf("{{%s}} is %q, not a number of milliseconds", a[0], text)
				}
				d := time.Duration(ms*1.5)*time.Millisecond + time.Second
				t := time.NewTimer(d)
				defer t.Stop()
				select {
				case <-t.C:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			},
		},
		{
			Pattern: `^the response field (?P<field>\S+) is saved as (?P<variable>\S+)$`,
			Doc:     `Binds the variable to the value at this path (gjson syntax) of the last response's body, replacing any earlier value.`,
			Example: `And the response field id is saved as it`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				x, err := w.lastExchange()
				if err != nil {
					return err
				}
				r := gjson.GetBytes(x.body, a[0])
				if !r.Exists() {
					return fmt.Errorf("the response to %s has no field %s; body:\n%s", x, a[0], indent(clip(pretty(x.body), 3000), "  "))
				}
				w.vars[a[1]] = json.RawMessage(r.Raw)
				return nil
			},
		},
		{
			Pattern: `^the variable (?P<variable>\S+) is "(?P<text>.*)"$`,
			Doc:     `Binds the variable to the string ({{variables}} in it expanded), replacing any earlier value.`,
			Example: `Given the variable first is "{{it}}"`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				return w.setVar(a[0], a[1])
			},
		},
		{
			Pattern: `^` + usersPattern + ` (?:is|are) listening(?: on (?P<channels>\S+(?: and \S+)*))?$`,
			Doc: `Each user opens a CometD session (handshake with the user's credentials at the spec's Bayeux endpoint) and subscribes to ` +
				`/v2/me/interactions and /v2/me/channels, or to the channels or patterns named ("on /me/interactions", "on ` +
				`/v2/me/interactions and /me/interactions"). From then on every message the user receives must be consumed by a step: ` +
				`one left unread fails the scenario at its end.`,
			Example: `Given alice, bob and carol are listening`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				channels := defaultChannels
				if a[1] != "" {
					channels = strings.Split(a[1], " and ")
				}
				return w.listenAll(ctx, splitUsers(a[0]), channels)
			},
		},
		{
			Pattern: `^(?P<user>[\w.@-]+) is listening over websocket$`,
			Doc: `Like "USERS is listening", over the WebSocket transport (docs/bayeux.md C11) whatever the run's transport: the ` +
				`handshake offers only websocket, at the same URL (ws:// or wss://). WebSocket is optional (C5): a target without it ` +
				`declares "noWebSocket" in its target file's modes, and the scenarios tagged @websocket are left out.`,
			Example: `Given alice is listening over websocket`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				w.transports[a[0]] = bayeux.WebSocket
				if err := w.listenAll(ctx, []string{a[0]}, defaultChannels); err != nil {
					return fmt.Errorf("%w\n(WebSocket is optional, docs/bayeux.md C5: a target without it says \"modes\": {\"noWebSocket\": true} in its target file)", err)
				}
				return nil
			},
		},
		{
			Pattern: `^` + actorPattern + ` cannot listen$`,
			Doc:     `A CometD handshake with the actor's credentials is refused (successful:false).`,
			Example: `Then alice:wrong-password cannot listen`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				l, err := w.listen(ctx, a[0], defaultChannels)
				if err == nil {
					l.close()
					return fmt.Errorf("the CometD handshake as %s succeeded; it should be refused", a[0])
				}
				var be *bayeux.Error
				if !errors.As(err, &be) {
					return fmt.Errorf("the CometD handshake as %s should be refused with successful:false, but it failed otherwise: %w", a[0], err)
				}
				return nil
			},
		},
		{
			Pattern: `^(?P<user>\S+) cannot publish to (?P<channel>\S+)$`,
			Doc:     `The listening user publishes a message to the channel, and the target refuses it with a 403 Bayeux error.`,
			Example: `Then alice cannot publish to /v2/me/interactions`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				l, err := w.listener(a[0])
				if err != nil {
					return err
				}
				ctx, cancel := context.WithTimeout(ctx, w.cfg.requestTimeout())
				defer cancel()
				err = l.client.Publish(ctx, a[1], json.RawMessage(`{"messageTypeName":"InteractionStateMessage","id":"0000000000000000","state":"Completed"}`))
				var be *bayeux.Error
				switch {
				case err == nil:
					return fmt.Errorf("%s published to %s and the target accepted it; it should answer 403", a[0], a[1])
				case !errors.As(err, &be):
					return fmt.Errorf("publishing to %s as %s failed, but not with a Bayeux error: %w", a[1], a[0], err)
				case be.Code != 403:
					return fmt.Errorf("publishing to %s as %s: expected a 403 error, got %q", a[1], a[0], be.Error())
				}
				return nil
			},
		},
		{
			Pattern: `^(?P<user>\S+) receives on (?P<channel>\S+)` + withinPattern + `:$`,
			Doc: `The next message the listening user receives on this channel arrives within the time (default: the run's notification ` +
				`timeout, 5 s) and matches the docstring. Messages are taken in arrival order, so consecutive steps check the order. The ` +
				`message is validated against its schema in the spec.`,
			Example:    `Then alice receives on /v2/me/interactions within 2 s:`,
			ExampleDoc: `{"notificationType": "StatusChange", "id": "{{it}}", "state": "Processing"}`,
			DocString:  true,
			run: func(ctx context.Context, w *World, a []string, doc string) error {
				return w.receive(ctx, a[0], a[1], within(a[2], a[3], w.cfg.notifyTimeout()), doc)
			},
		},
		{
			Pattern: `^(?P<user>\S+)'s last notification has (?P<n>\d+) (?P<field>\S+)$`,
			Doc:     `The array at this path (gjson syntax) of the message the user's last "receives" step took has exactly that many elements.`,
			Example: `And alice's last notification has 2 participants`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				last, err := w.lastNotification(a[0])
				if err != nil {
					return err
				}
				return count(fmt.Sprintf("%s's last notification", a[0]), last.data, a[2], a[1])
			},
		},
		{
			Pattern:    `^(?P<user>\S+)'s last notification matches:$`,
			Doc:        `The message the user's last "receives" step took also matches the docstring (a partial document with placeholders; captures bind variables).`,
			Example:    `And alice's last notification matches:`,
			ExampleDoc: `{"referenceId": "{{alice.referenceId}}"}`,
			DocString:  true,
			run: func(ctx context.Context, w *World, a []string, doc string) error {
				last, err := w.lastNotification(a[0])
				if err != nil {
					return err
				}
				return w.match(fmt.Sprintf("%s's last notification (on %s)", a[0], last.channel), doc, last.data)
			},
		},
		{
			Pattern: `^(?P<user>[\w.@-]+)'s view of (?P<name>it|\{\{[\w.@-]+\}\}) agrees with (?:her|his|their) last notification$`,
			Doc: `The interaction (it, or the one a variable holds) as the user reads it by REST agrees with the last ` +
				`InteractionStateMessage about it that a step of hers received (docs/behavior.md B3.1): GET ` +
				`/api/v2/me/interactions?fields=* lists it exactly while that notification leaves her a party, and that element ` +
				`and GET /api/v2/interactions/{id} carry the same id, channel, interactionType, interactionSubType, parentId, ` +
				`ownerId, currentQueue, workbin, receivedDate (and any other ...Date or mediaType both carry), userData and channel ` +
				`data (a chat's transcript aside), the same participants and capabilities as sets (a chat's SendMessage and ` +
				`SendNotification aside: they follow the customer), and the state the notification implies: the same while she ` +
				`is a party or for a workbin's content, Processing after another party's LeftConference, not compared after a ` +
				`message that ended her part (it told her own outcome). Fields outside the contract may be on one side only; null ` +
				`counts as absent. The failure lists every field that disagrees. Use it right after the notification, before ` +
				`anything else changes the interaction; the last response is then GET /api/v2/interactions/{id}.`,
			Example: `Then alice's view of it agrees with her last notification`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				name := strings.TrimSuffix(strings.TrimPrefix(a[1], "{{"), "}}")
				return w.viewAgrees(ctx, a[0], name)
			},
		},
		{
			Pattern: `^the variable (?P<variable>\S+) is a JSON object of (?P<n>\d+) bytes$`,
			Doc: `Binds the variable to a JSON object that takes exactly N bytes as compact JSON (as {{variable}} expands it), ` +
				`made of every kind of JSON value so that a size limit that miscounts one kind shows: members null, true, false, an ` +
				`integer, a fraction, an object of several members (an empty one among them), an array of several elements (one of ` +
				`each kind, an empty array and object among them), and a padding string of x's that takes the rest. No member is ` +
				`named "z". N must leave room for them all (at least ` + strconv.Itoa(minSizedObject) + `) and be at most ` +
				strconv.Itoa(maxSizedObject) + `.`,
			Example: `Given the variable big is a JSON object of 1048576 bytes`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				n, err := strconv.Atoi(a[1])
				if err != nil {
					return fmt.Errorf("%s bytes: %w", a[1], err)
				}
				b, err := sizedObject(n)
				if err != nil {
					return err
				}
				w.vars[a[0]] = b
				return nil
			},
		},
		{
			Pattern: `^the variable (?P<variable>\S+) is greater than (?P<other>\S+)$`,
			Doc:     `Both variables hold numbers (or strings of digits), and the first is the greater.`,
			Example: `Then the variable alice.referenceId is greater than first`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				x, err := w.number(a[0])
				if err != nil {
					return err
				}
				y, err := w.number(a[1])
				if err != nil {
					return err
				}
				if x <= y {
					return fmt.Errorf("expected %s (%v) to be greater than %s (%v)", a[0], x, a[1], y)
				}
				return nil
			},
		},
		{
			Pattern: `^(?P<user>[\w.@-]+)'s cookies are saved as (?P<variable>\S+)$`,
			Doc: `Binds the variable to the cookies the user's cookie jar holds for the target ("NAME=VALUE; ..."), so that a later ` +
				`step can put them back after the target cleared them.`,
			Example: `Given alice's cookies are saved as old`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				return w.saveCookies(a[0], a[1])
			},
		},
		{
			Pattern: `^(?P<user>[\w.@-]+)'s cookies are set back to (?P<variable>\S+)$`,
			Doc:     `Puts the cookies saved in the variable back into the user's cookie jar, whatever the target said since.`,
			Example: `When alice's cookies are set back to old`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				return w.restoreCookies(a[0], a[1])
			},
		},
		{
			Pattern: `^` + usersPattern + ` receives? no notification` + withinPattern + `$`,
			Doc: `The listening users receive nothing, on any channel, within the time. Without a time, silence up to now is proven by a ` +
				`barrier where the driver allows it (see "nobody else receives a notification"), else watched for the run's quiet wait, 300 ms.`,
			Example: `Then bob and carol receive no notification within 500 ms`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				return w.silence(ctx, splitUsers(a[0]), a[1] != "", within(a[1], a[2], w.cfg.quietWait()))
			},
		},
		{
			Pattern: `^nobody (?:else )?receives a notification` + withinPattern + `$`,
			Doc: `No listening user receives anything, on any channel, within the time. Without a time, in a driver scenario, silence up to ` +
				`now is proven for each user at once by a barrier: an interaction created through the driver and offered to the user alone, ` +
				`whose Invited message must be the next one the user receives (messages arrive in order, docs/behavior.md B6.7), then ` +
				`stopped; the barrier's own messages are consumed. Where the driver refuses the barrier (a full or logged-out agent) and ` +
				`in @mock scenarios, the step watches for the run's quiet wait, 300 ms.`,
			Example: `Then nobody else receives a notification`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				return w.silence(ctx, w.listeningUsers(), a[0] != "", within(a[0], a[1], w.cfg.quietWait()))
			},
		},
	}
}

// matchHeader checks that a value of the header name of the exchange x
// matches re: of Set-Cookie only the JSESSIONID cookies when there are any,
// of WWW-Authenticate each value as sent and each Basic challenge reduced to
// its realm.
func matchHeader(x *exchange, name string, re *regexp.Regexp) error {
	key := textproto.CanonicalMIMEHeaderKey(name)
	vals, ok := x.header[key]
	if !ok {
		return fmt.Errorf("the response to %s has no header %s", x, name)
	}
	what := "header " + name
	candidates := vals
	switch key {
	case "Set-Cookie":
		if s := sessionCookies(vals); len(s) > 0 {
			candidates, what = s, "header Set-Cookie of "+sessionCookie
		}
	case "Www-Authenticate":
		basic, _ := basicChallenges(vals)
		candidates = slices.Clone(vals)
		for _, b := range basic {
			if !slices.Contains(candidates, b) {
				candidates = append(candidates, b)
			}
		}
	}
	for _, v := range candidates {
		if re.MatchString(v) {
			return nil
		}
	}
	return fmt.Errorf("the response to %s: %s is %q, which does not match %s", x, what, candidates, re)
}

// count checks that the array at path of doc has n elements.
func count(what string, doc []byte, path, n string) error {
	want, _ := strconv.Atoi(n)
	r := gjson.GetBytes(doc, path)
	if !r.Exists() {
		return fmt.Errorf("%s has no %s:\n%s", what, path, indent(clip(pretty(doc), 3000), "  "))
	}
	if !r.IsArray() {
		return fmt.Errorf("%s: %s is not an array but %s", what, path, clip(r.Raw, 500))
	}
	if got := len(r.Array()); got != want {
		return fmt.Errorf("%s: expected %d elements in %s, got %d:\n%s", what, want, path, got, indent(clip(pretty([]byte(r.Raw)), 3000), "  "))
	}
	return nil
}

// lastNotification returns the message the user's last receive step took.
func (w *World) lastNotification(user string) (received, error) {
	l, err := w.listener(user)
	if err != nil {
		return received{}, err
	}
	l.mu.Lock()
	last := l.last
	l.mu.Unlock()
	if last == nil {
		return received{}, fmt.Errorf("%s has not received a notification yet", user)
	}
	return *last, nil
}

// number reads a variable that holds a number or a string of one.
func (w *World) number(name string) (float64, error) {
	v, ok := w.vars[name]
	if !ok {
		return 0, fmt.Errorf("the variable %s is not bound", name)
	}
	var x any
	if err := json.Unmarshal(v, &x); err != nil {
		return 0, fmt.Errorf("the variable %s: %w", name, err)
	}
	switch x := x.(type) {
	case float64:
		return x, nil
	case string:
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return f, nil
		}
	}
	return 0, fmt.Errorf("the variable %s is %s, not a number", name, v)
}

func (w *World) setVar(name, text string) error {
	s, err := jsonmatch.Expand(text, w.vars)
	if err != nil {
		return err
	}
	w.vars.SetString(name, s)
	return nil
}

// receive takes the user's next message on channel and matches it.
func (w *World) receive(ctx context.Context, user, channel string, d time.Duration, doc string) error {
	l, err := w.listener(user)
	if err != nil {
		return err
	}
	m, err := l.next(ctx, channel, d)
	if errors.Is(err, errNoMessage) {
		msg := fmt.Sprintf("%s received no message on %s within %s", user, channel, d)
		if others := l.unread(); len(others) > 0 {
			msg += "; meanwhile:\n" + describeUnread(user, others)
		}
		return errors.New(msg)
	}
	if err != nil {
		return err
	}
	w.noteNotified(user, m.data)
	what := fmt.Sprintf("the message %s received on %s", user, channel)
	if err := w.cfg.Contract.CheckNotification(m.channel, m.data); err != nil {
		return fmt.Errorf("%s breaks the spec: %s\n%s", what, err, indent(clip(pretty(m.data), 4000), "  "))
	}
	return w.match(what, doc, m.data)
}

// quiet watches the users for d and fails if any of them receives anything.
func (w *World) quiet(ctx context.Context, users []string, d time.Duration) error {
	ls := make([]*listener, 0, len(users))
	for _, u := range users {
		l, err := w.listener(u)
		if err != nil {
			return err
		}
		ls = append(ls, l)
	}
	// The window opened with the last action: the time since then counts.
	wait := d
	if !w.lastAction.IsZero() {
		wait = min(d, max(0, d-time.Since(w.lastAction)))
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	var b strings.Builder
	for _, l := range ls {
		if msgs := l.unread(); len(msgs) > 0 {
			b.WriteString(describeUnread(l.user, msgs))
		}
	}
	if b.Len() > 0 {
		return fmt.Errorf("expected no notification within %s, but:\n%s", d, b.String())
	}
	return nil
}

// barrierChannels are the channels (and patterns) whose subscription
// delivers a user's interaction messages (docs/behavior.md B6.3, B6.4).
var barrierChannels = []string{"/v2/me/interactions", "/me/interactions", "/v2/me/*", "/v2/me/**", "/me/*", "/me/**", "/v2/**", "/**"}

// silence proves that the users received nothing (more) up to now. A step
// that names a time watches for it (quiet). Otherwise, in a driver
// scenario, each user's silence is proven by a barrier, all users at once;
// the users for whom no barrier can be set up are watched for the quiet
// wait d.
func (w *World) silence(ctx context.Context, users []string, timed bool, d time.Duration) error {
	if timed || w.mock {
		return w.quiet(ctx, users, d)
	}
	for _, u := range users {
		if _, err := w.listener(u); err != nil {
			return err
		}
	}
	type outcome struct {
		user     string
		id       string // the barrier's interaction, stopped
		fallback bool   // no barrier could be set up
		err      error
	}
	outcomes := make([]outcome, len(users))
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			id, fallback, err := w.barrier(ctx, u)
			outcomes[i] = outcome{u, id, fallback, err}
		})
	}
	wg.Wait()
	var (
		errs []error
		rest []string
	)
	for _, o := range outcomes {
		if o.id != "" {
			w.cleanup.noteStopped(o.id)
		}
		switch {
		case o.err != nil:
			errs = append(errs, o.err)
		case o.fallback:
			rest = append(rest, o.user)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if len(rest) > 0 {
		return w.quiet(ctx, rest, d)
	}
	return nil
}

// barrier proves that user received nothing up to now: it creates through
// the driver an interaction offered to the user alone, waits for its
// Invited message, which must be the first unread one, then stops it and
// consumes the message that ends it. id is the barrier's interaction once
// stopped. fallback is true when no barrier can be set up: the user does
// not listen to her interaction messages, or the driver refused the
// interaction (a full or logged-out agent).
func (w *World) barrier(ctx context.Context, user string) (id string, fallback bool, err error) {
	l, _ := w.listener(user)
	u, known := w.cfg.Users[user]
	if !known || !slices.ContainsFunc(l.channels, func(c string) bool { return slices.Contains(barrierChannels, c) }) {
		return "", true, nil
	}
	for _, ch := range w.barrierChannels(user) {
		body, _ := json.Marshal(map[string]string{"channel": ch, "agent": u.UserName})
		ans, err := w.control(ctx, http.MethodPost, "/control/v1/interactions", body)
		if err != nil {
			return "", false, fmt.Errorf("the barrier for %s: %w", user, err)
		}
		var created struct {
			ID string `json:"id"`
		}
		if ans.Status == http.StatusCreated && json.Unmarshal(ans.Body, &created) == nil && created.ID != "" {
			id = created.ID
			break
		}
	}
	if id == "" {
		return "", true, nil
	}
	stopped := ""
	isBarrier := func(m received) bool { return gjson.GetBytes(m.data, "id").String() == id }
	before, err := l.until(ctx, isBarrier, w.cfg.notifyTimeout())
	stopErr := w.stopBarrier(ctx, user, id)
	if stopErr == nil {
		stopped = id
	}
	if err != nil {
		return stopped, false, errors.Join(fmt.Errorf("the barrier for %s: %w", user, err), stopErr)
	}
	if len(before) > 0 {
		return stopped, false, errors.Join(fmt.Errorf("expected no notification up to now, but:\n%s", describeUnread(user, before)), stopErr)
	}
	if stopErr != nil {
		return "", false, stopErr
	}
	if _, err := l.until(ctx, isBarrier, w.cfg.notifyTimeout()); err != nil {
		return stopped, false, fmt.Errorf("the barrier for %s: after POST /control/v1/interactions/%s/stop: %w", user, id, err)
	}
	return stopped, false, nil
}

// barrierChannels are the media a barrier for user may use, best first:
// those she handles, from her readiness when the scenario began.
func (w *World) barrierChannels(user string) []string {
	var out []string
	for _, ch := range []string{"workitem", "email", "chat"} {
		if _, ok := w.cleanup.readiness[user][ch]; ok {
			out = append(out, ch)
		}
	}
	return out
}

// stopBarrier stops the barrier interaction id.
func (w *World) stopBarrier(ctx context.Context, user, id string) error {
	ans, err := w.control(ctx, http.MethodPost, "/control/v1/interactions/"+id+"/stop", nil)
	switch {
	case err != nil:
		return fmt.Errorf("stopping the barrier for %s: %w", user, err)
	case ans.Status != http.StatusOK:
		return fmt.Errorf("stopping the barrier for %s: POST /control/v1/interactions/%s/stop answered %d: %s", user, id, ans.Status, clip(string(ans.Body), 500))
	}
	return nil
}

// until waits up to d for the first unread message that is, on any
// channel, and takes it; it returns the unread messages that arrived
// before it, which it leaves unread.
func (l *listener) until(ctx context.Context, is func(received) bool, d time.Duration) ([]received, error) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		if err := l.brokenErr(); err != nil {
			return nil, err
		}
		l.mu.Lock()
		for ch, q := range l.queues {
			for i, m := range q {
				if !is(m) {
					continue
				}
				before := slices.Clone(q[:i])
				for other, oq := range l.queues {
					for _, o := range oq {
						if other != ch && o.at.Before(m.at) {
							before = append(before, o)
						}
					}
				}
				l.queues[ch] = append(q[:i:i], q[i+1:]...)
				l.mu.Unlock()
				sort.Slice(before, func(i, j int) bool { return before[i].at.Before(before[j].at) })
				return before, nil
			}
		}
		if l.err != nil && !errors.Is(l.err, bayeux.ErrClosed) {
			err := l.err
			l.mu.Unlock()
			return nil, fmt.Errorf("%s's CometD session ended: %w", l.user, err)
		}
		wake := l.wake
		l.mu.Unlock()
		select {
		case <-wake:
		case <-timer.C:
			return nil, fmt.Errorf("%s received no message of it within %s", l.user, d)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// parseHeaderDoc reads the docstring of a "with headers:" step: "Name:
// value" lines, then, after a blank line, the body (nil when there is
// none).
func parseHeaderDoc(doc string) (http.Header, *string, error) {
	h := http.Header{}
	head, rest, hasBody := strings.Cut(strings.ReplaceAll(doc, "\r\n", "\n"), "\n\n")
	for _, line := range strings.Split(head, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, nil, fmt.Errorf("header line %q: write it as Name: value", line)
		}
		h.Add(name, strings.TrimSpace(value))
	}
	if len(h) == 0 {
		return nil, nil, errors.New("the docstring lists no header: write one \"Name: value\" a line, then a blank line and the body if any")
	}
	if !hasBody || strings.TrimSpace(rest) == "" {
		return h, nil, nil
	}
	return h, &rest, nil
}

// advisedMaxInterval reads the maxInterval, in milliseconds, that the
// /meta/handshake reply in body advises; def (else DefaultMaxInterval)
// when its advice names none.
func advisedMaxInterval(body []byte, def time.Duration) (float64, error) {
	var reply *gjson.Result
	for _, m := range gjson.ParseBytes(body).Array() {
		if m.Get("channel").String() == bayeux.MetaHandshake {
			reply = &m
			break
		}
	}
	if reply == nil {
		return 0, errors.New("it holds no /meta/handshake reply")
	}
	if v := reply.Get("advice.maxInterval"); v.Exists() {
		if v.Type != gjson.Number || v.Num < 0 {
			return 0, fmt.Errorf("the handshake advises maxInterval %s, not a number of milliseconds", v.Raw)
		}
		return v.Num, nil
	}
	if def <= 0 {
		def = DefaultMaxInterval
	}
	return float64(def.Milliseconds()), nil
}

// varRef is a {{variable}} in a step's text.
var varRef = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}`)

// quotedVars replaces every {{variable}} of a regular expression by its
// value, quoted so that it matches literally.
func (w *World) quotedVars(pattern string) (string, error) {
	var err error
	out := varRef.ReplaceAllStringFunc(pattern, func(ref string) string {
		v, e := jsonmatch.Expand(ref, w.vars)
		if e != nil && err == nil {
			err = e
		}
		return regexp.QuoteMeta(v)
	})
	return out, err
}
