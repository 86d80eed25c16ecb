package contactcenter

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Email replies (docs/behavior.md, email): Reply, ReplyAll and Forward make
// an outbound email, Composing, owned by the caller; Send puts it in the
// outbox, CancelReply discards it.

// SentEmail is an email that left the contact center: an outbound email
// its owner sent.
type SentEmail struct {
	ID       string // the outbound interaction's
	ParentID string // the inbound email it answers or forwards
	AgentID  string // who sent it
	From     string
	To       []string
	Cc       []string // nil: none
	Subject  string
	Body     string
	SentAt   time.Time
}

// MaxOutbox is how many sent emails the outbox keeps; the oldest go first.
const MaxOutbox = 1000

// quoteDateLayout writes the date of "On <date>, <from> wrote:", in the
// layout of receivedDate (docs/behavior.md B3.2).
const quoteDateLayout = "2006-01-02 15:04:05.000-0700"

// Outbox returns the sent emails, oldest first; never nil. Restore empties
// it: it is not part of the state.
func (c *Center) Outbox() []SentEmail {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]SentEmail, 0, len(c.w.outbox))
	for _, e := range c.w.outbox {
		e.To, e.Cc = slices.Clone(e.To), slices.Clone(e.Cc)
		out = append(out, e)
	}
	return out
}

// Reply makes an outbound email answering the inbound email id, owned by
// the caller and Composing: to the inbound's sender, "Re: " subject, the
// inbound's body quoted, its userData copied. The caller gets StatusChange
// Composing for the new interaction; the inbound one does not change.
//
// Errors: NotFound, Conflict (Completed), Forbidden (not the owner),
// Invalid (not an email, or an outbound one).
func (c *Center) Reply(userID, id string) (ref int64, err error) {
	return c.reply(userID, id, OpReply, nil)
}

// ReplyAll is Reply with the inbound's cc copied.
//
// Errors: as Reply.
func (c *Center) ReplyAll(userID, id string) (ref int64, err error) {
	return c.reply(userID, id, OpReplyAll, nil)
}

// Forward is Reply to the addresses to (one as a string, or a list of
// strings; the draft keeps the form given), with the subject "Fwd: " and
// the inbound's body under a forwarded-message header.
//
// Errors: as Reply; Invalid also for no address, an empty one, or another
// type.
func (c *Center) Forward(userID, id string, to any) (ref int64, err error) {
	return c.reply(userID, id, OpForward, to)
}

// handledEmail returns the email its owner acts on. Errors: NotFound,
// Conflict (Completed), Forbidden (not the owner), Invalid (not an email;
// an outbound one when outbound is false, an inbound one when it is true).
func (w *world) handledEmail(userID, id string, op Operation, outbound bool) (*interaction, error) {
	it, err := w.find(id)
	if err != nil {
		return nil, err
	}
	if it.state == Completed {
		return nil, Errorf(Conflict, "%s: interaction %s is Completed", op, id)
	}
	if _, _, err := w.need(userID, id, op, PartyOwner); err != nil {
		return nil, err
	}
	switch {
	case it.channel != Email:
		return nil, Errorf(Invalid, "%s: interaction %s is not an email but a %s", op, id, it.channel)
	case outbound && it.typ != TypeOutbound:
		return nil, Errorf(Invalid, "%s: interaction %s is not an outbound email", op, id)
	case !outbound && it.typ == TypeOutbound:
		return nil, Errorf(Invalid, "%s: interaction %s is an outbound email; reply to the inbound one", op, id)
	case outbound && it.state != Composing:
		return nil, Errorf(Conflict, "%s: interaction %s is %s, not Composing", op, id, it.state)
	}
	return it, nil
}

func (c *Center) reply(userID, id string, op Operation, to any) (int64, error) {
	return c.operation(userID, func(w *world) error {
		in, err := w.handledEmail(userID, id, op, false)
		if err != nil {
			return err
		}
		if op == OpForward {
			if err := checkAddresses(to); err != nil {
				return err
			}
		}
		data := draft(in, op, to)
		if err := c.checkSize("email channel data", data); err != nil {
			return err
		}
		nid, err := c.freshID(w)
		if err != nil {
			return err
		}
		sub := SubTypeOutboundReply
		if op == OpForward {
			sub = SubTypeOutboundNew
		}
		out := &interaction{
			id: nid, channel: Email, typ: TypeOutbound, subType: sub, parentID: in.id,
			state: Composing, userData: deepCopyMap(in.userData), channelData: data,
			receivedAt: c.instant(),
		}
		w.inters[nid] = out
		w.addParty(out, userID, PartyOwner)
		c.emit(userID, StatusChange, out)
		return nil
	})
}

// checkAddresses refuses what is not one address or a list of at least
// one, none of them empty.
func checkAddresses(to any) error {
	switch to := to.(type) {
	case string:
		if to != "" {
			return nil
		}
	case []string, []any:
		n := len(addresses(to))
		if n > 0 && isStringList(to) && n == listLen(to) {
			return nil
		}
	case nil:
		return Errorf(Invalid, "Forward: to is required: the address or addresses to forward to")
	}
	return Errorf(Invalid, "Forward: to must be an address or a list of addresses, none empty")
}

func listLen(v any) int {
	switch v := v.(type) {
	case []string:
		return len(v)
	case []any:
		return len(v)
	}
	return 0
}

// draft is the prefilled email of a reply or forward of in.
func draft(in *interaction, op Operation, to any) map[string]any {
	src := in.channelData
	from, subject, body := str(src["from"]), str(src["subject"]), str(src["body"])
	d := map[string]any{}
	if addrs := addresses(src["to"]); len(addrs) > 0 {
		d["from"] = addrs[0]
	}
	date := in.receivedAt.Format(quoteDateLayout)
	switch op {
	case OpForward:
		if s, ok := to.(string); ok {
			d["to"] = s
		} else {
			d["to"] = anyList(addresses(to))
		}
		d["subject"] = prefixed("Fwd: ", subject, "fwd:", "fw:")
		d["body"] = fmt.Sprintf("---------- Forwarded message ----------\nFrom: %s\nDate: %s\nSubject: %s\nTo: %s\n\n%s",
			from, date, subject, strings.Join(addresses(src["to"]), ", "), body)
		return d
	case OpReplyAll:
		if cc := addresses(src["cc"]); len(cc) > 0 {
			d["cc"] = anyList(cc)
		}
	}
	d["to"] = from
	d["subject"] = prefixed("Re: ", subject, "re:")
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	d["body"] = fmt.Sprintf("On %s, %s wrote:\n%s", date, from, strings.Join(lines, "\n"))
	return d
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// prefixed puts prefix before s unless s already starts with one of the
// lowercase prefixes.
func prefixed(prefix, s string, already ...string) string {
	low := strings.ToLower(s)
	for _, a := range already {
		if strings.HasPrefix(low, a) {
			return s
		}
	}
	return prefix + s
}

// addresses reads an address field: a string or a list of strings.
func addresses(v any) []string {
	switch v := v.(type) {
	case string:
		if v != "" {
			return []string{v}
		}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return slices.DeleteFunc(slices.Clone(v), func(s string) bool { return s == "" })
	}
	return nil
}

func anyList(addrs []string) []any {
	out := make([]any, len(addrs))
	for i, a := range addrs {
		out[i] = a
	}
	return out
}

// Send sends an outbound email being composed: it goes to the outbox, the
// interaction is Completed and the caller gets StatusChange Completed.
//
// Errors: NotFound, Conflict (Completed), Forbidden (not the owner),
// Invalid (not an outbound email; no recipient in to).
func (c *Center) Send(userID, id string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, err := w.handledEmail(userID, id, OpSend, true)
		if err != nil {
			return err
		}
		d := it.channelData
		to := addresses(d["to"])
		if len(to) == 0 {
			return Errorf(Invalid, "to: at least one recipient")
		}
		w.outbox = append(w.outbox, SentEmail{
			ID: it.id, ParentID: it.parentID, AgentID: userID, From: str(d["from"]),
			To: to, Cc: addresses(d["cc"]), Subject: str(d["subject"]), Body: str(d["body"]), SentAt: c.instant(),
		})
		if n := len(w.outbox) - MaxOutbox; n > 0 {
			clear(w.outbox[:n])
			w.outbox = w.outbox[n:]
		}
		c.finish(it, Completed)
		return nil
	})
}

// CancelReply discards an outbound email being composed: the interaction
// is Completed, not sent, and the caller gets StatusChange Canceled.
//
// Errors: NotFound, Conflict (Completed), Forbidden (not the owner),
// Invalid (not an outbound email).
func (c *Center) CancelReply(userID, id string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, err := w.handledEmail(userID, id, OpCancelReply, true)
		if err != nil {
			return err
		}
		c.finish(it, Canceled)
		return nil
	})
}

// finish ends it for every party, each told s, and completes it.
func (c *Center) finish(it *interaction, s State) {
	for _, p := range slices.Clone(it.parties) {
		c.closeOffer(p)
		c.w.removeParty(it, p.userID)
		c.emitEnd(p.userID, it, s)
	}
	c.complete(it)
}
