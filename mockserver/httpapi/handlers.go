package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// meAnswer is GET /me: the user, with the subresources asked for.
type meAnswer struct {
	StatusCode int       `json:"statusCode"`
	User       wire.User `json:"user"`
}

// subresources are the names GET /me?subresources= takes, in answer order.
var subresources = []string{"channels", "devices"}

func (a *API) getMe(w http.ResponseWriter, r *request) {
	out := meAnswer{StatusCode: codeOK, User: wire.FromUser(r.user)}
	query := r.URL.Query()
	if !query.Has("subresources") {
		writeJSON(w, http.StatusOK, out)
		return
	}
	want := map[string]bool{}
	if v := query.Get("subresources"); v == "*" {
		for _, name := range subresources {
			want[name] = true
		}
	} else {
		for _, name := range strings.Split(v, ",") {
			if !slices.Contains(subresources, name) {
				writeStatusError(w, http.StatusBadRequest, fmt.Sprintf("query parameter subresources: %q is not a subresource of /me (use *, or a comma-separated list of channels, devices)", name))
				return
			}
			want[name] = true
		}
	}
	if want["channels"] {
		rs, err := a.cfg.Center.Readiness(r.user.ID)
		if err != nil {
			writeStatusError(w, wire.StatusOf(contactcenter.CodeOf(err)), err.Error())
			return
		}
		channels := wire.FromReadiness(rs)
		out.User.Channels = &channels
	}
	if want["devices"] {
		out.User.Devices = &[]struct{}{}
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) getChannels(w http.ResponseWriter, r *request) {
	rs, err := a.cfg.Center.Readiness(r.user.ID)
	if err != nil {
		writeStatusError(w, wire.StatusOf(contactcenter.CodeOf(err)), err.Error())
		return
	}
	writeJSON(w, http.StatusOK, struct {
		StatusCode int                  `json:"statusCode"`
		Channels   []wire.ChannelObject `json:"channels"`
	}{codeOK, wire.FromReadiness(rs)})
}

// operationName reads the body of an operation request and its
// operationName, or answers 400.
func operationName(w http.ResponseWriter, r *request) (map[string]json.RawMessage, string, bool) {
	m, err := decodeObject(r.body)
	if err != nil {
		writeOpError(w, http.StatusBadRequest, err.Error())
		return nil, "", false
	}
	op, err := stringField(m, "operationName", true)
	if err != nil {
		writeOpError(w, http.StatusBadRequest, err.Error())
		return nil, "", false
	}
	return m, op, true
}

func (a *API) postChannel(w http.ResponseWriter, r *request) {
	_, op, ok := operationName(w, r)
	if !ok {
		return
	}
	var ready bool
	switch op {
	case "Ready":
		ready = true
	case "NotReady":
	default:
		writeOpError(w, http.StatusBadRequest, fmt.Sprintf("operationName %q is not one of Ready, NotReady", op))
		return
	}
	answer(w)(a.cfg.Center.SetReady(r.user.ID, contactcenter.Channel(r.vars["channel"]), ready))
}

// postMe runs the session operations of POST /me (docs/behavior.md B4.26).
func (a *API) postMe(w http.ResponseWriter, r *request) {
	m, op, ok := operationName(w, r)
	if !ok {
		return
	}
	c, uid := a.cfg.Center, r.user.ID
	switch op {
	case "StartContactCenterSession":
		var channels []contactcenter.Channel
		if raw, ok := m["channels"]; ok && string(raw) != "null" {
			var names []string
			if err := json.Unmarshal(raw, &names); err != nil {
				writeOpError(w, http.StatusBadRequest, "StartContactCenterSession: channels must be a list of channel names")
				return
			}
			channels = make([]contactcenter.Channel, 0, len(names))
			for _, n := range names {
				channels = append(channels, contactcenter.Channel(n))
			}
		}
		answer(w)(c.StartContactCenterSession(uid, channels))
	case "EndContactCenterSession":
		ref, err := c.EndContactCenterSession(uid)
		if err == nil {
			a.endHTTPSession(w, r)
		}
		answer(w)(ref, err)
	case "Ready":
		answer(w)(c.SetReadyAll(uid, true))
	case "NotReady":
		answer(w)(c.SetReadyAll(uid, false))
	default:
		writeOpError(w, http.StatusBadRequest, fmt.Sprintf("operationName %q is not an operation of /me (StartContactCenterSession, EndContactCenterSession, Ready, NotReady)", op))
	}
}

// endHTTPSession forgets the request's cookie session (and one this answer
// would have set) and tells the client to drop the cookie: "This request
// also invalidates the client HTTP session" (docs/behavior.md B2.4).
func (a *API) endHTTPSession(w http.ResponseWriter, r *request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		a.cfg.Auth.Sessions.Forget(c.Value)
	}
	if r.minted != "" {
		a.cfg.Auth.Sessions.Forget(r.minted)
	}
	w.Header().Del("Set-Cookie")
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: cookiePath, MaxAge: -1, HttpOnly: true})
}

// answer returns the writer of an operation's outcome, which takes what
// the contact center returned: answer(w)(center.Accept(...)).
func answer(w http.ResponseWriter) func(ref int64, err error) {
	return func(ref int64, err error) {
		if err != nil {
			writeOpError(w, wire.StatusOf(contactcenter.CodeOf(err)), err.Error())
			return
		}
		writeOK(w, ref)
	}
}

// listFields returns the fields query parameter of a list request and
// whether it is there, as r.URL.Query() tells them; the usual query,
// fields=*, without parsing it.
func listFields(r *request) (fields string, has bool) {
	if r.URL.RawQuery == "fields=*" {
		return "*", true
	}
	q := r.URL.Query()
	return q.Get("fields"), q.Has("fields")
}

// writeList answers a list endpoint in its two shapes: uris, or with
// fields=* the objects.
func (a *API) writeList(w http.ResponseWriter, fields string, has bool, views []contactcenter.View) {
	base := a.cfg.BaseURL
	switch {
	case !has:
		uris := make([]string, 0, len(views))
		for _, v := range views {
			uris = append(uris, wire.URI(base, v.ID))
		}
		writeJSON(w, http.StatusOK, struct {
			StatusCode int      `json:"statusCode"`
			URIs       []string `json:"uris"`
		}{codeOK, uris})
	case fields == "*":
		writeObjects(w, views, base)
	default:
		writeStatusError(w, http.StatusBadRequest, fmt.Sprintf("query parameter fields: %q is not supported; use fields=* or leave it out", fields))
	}
}

// writeObjects answers the fields=* shape of a list, and returns the
// bytes when they are the whole answer (status 200), else nil.
func writeObjects(w http.ResponseWriter, views []contactcenter.View, base string) []byte {
	if b, ok := appendInteractions(views, base); ok {
		writeJSONBytes(w, http.StatusOK, b)
		return b
	}
	out := make([]wire.Interaction, 0, len(views))
	for _, v := range views {
		out = append(out, wire.FromView(v, base))
	}
	b, err := json.Marshal(struct {
		StatusCode   int                `json:"statusCode"`
		Interactions []wire.Interaction `json:"interactions"`
	}{codeOK, out})
	if err != nil {
		writeEncodeFailure(w)
		return nil
	}
	writeJSONBytes(w, http.StatusOK, b)
	return b
}

// appendInteractions encodes the fields=* answer as writeJSON would, with
// the interaction objects' fast encoder; ok is false when one of them needs
// json.Marshal.
func appendInteractions(views []contactcenter.View, base string) (b []byte, ok bool) {
	b = make([]byte, 0, 64+1024*len(views))
	b = append(b, `{"statusCode":0,"interactions":[`...)
	for i, v := range views {
		if i > 0 {
			b = append(b, ',')
		}
		w := wire.FromView(v, base)
		if b, ok = w.AppendJSON(b); !ok {
			return nil, false
		}
	}
	return append(b, "]}"...), true
}

// writeJSONBytes answers b, a JSON document encoded for this answer alone
// that nothing changes after (the journal keeps it rather than a copy).
func writeJSONBytes(w http.ResponseWriter, status int, b []byte) {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	if rec, ok := w.(*recorder); ok {
		rec.writeShared(b)
		return
	}
	_, _ = w.Write(b)
}

// getMyInteractions answers the user's interactions. The fields=* answer,
// the one clients poll, is kept per user for the contact center's version
// it shows (keptAnswers): while nothing changes, it is neither copied out
// of the contact center nor encoded again.
func (a *API) getMyInteractions(w http.ResponseWriter, r *request) {
	fields, has := listFields(r)
	if !has || fields != "*" {
		a.writeList(w, fields, has, a.cfg.Center.MyInteractions(r.user.ID))
		return
	}
	uid := r.user.ID
	if b, ok := a.kept.get(uid, a.cfg.Center.Version()); ok {
		writeJSONBytes(w, http.StatusOK, b)
		return
	}
	views, version := a.cfg.Center.VersionedMyInteractions(uid)
	if b := writeObjects(w, views, a.cfg.BaseURL); b != nil {
		a.kept.put(uid, version, b)
	}
}

func (a *API) getInteractions(w http.ResponseWriter, r *request) {
	fields, has := listFields(r)
	a.writeList(w, fields, has, a.cfg.Center.Active(r.user.ID))
}

func (a *API) getInteraction(w http.ResponseWriter, r *request) {
	v, err := a.cfg.Center.Interaction(r.user.ID, r.vars["id"])
	if err != nil {
		writeStatusError(w, wire.StatusOf(contactcenter.CodeOf(err)), err.Error())
		return
	}
	writeJSON(w, http.StatusOK, struct {
		StatusCode  int              `json:"statusCode"`
		Interaction wire.Interaction `json:"interaction"`
	}{codeOK, wire.FromView(v, a.cfg.BaseURL)})
}

var channelObjects = []contactcenter.Channel{contactcenter.Email, contactcenter.Chat, contactcenter.Workitem}

func (a *API) putInteraction(w http.ResponseWriter, r *request) {
	m, err := decodeObject(r.body)
	if err != nil {
		writeOpError(w, http.StatusBadRequest, err.Error())
		return
	}
	var (
		found []contactcenter.Channel
		patch map[string]any
	)
	for _, ch := range channelObjects {
		if _, ok := m[wire.ChannelObjectKey(ch)]; ok {
			found = append(found, ch)
		}
	}
	for k := range m {
		known := false
		for _, ch := range channelObjects {
			known = known || k == wire.ChannelObjectKey(ch)
		}
		if !known {
			writeOpError(w, http.StatusBadRequest, fmt.Sprintf("%s is not a channel object; send one of email_object, chat_object, workitem_object", k))
			return
		}
	}
	if len(found) != 1 {
		writeOpError(w, http.StatusBadRequest, "send exactly one of email_object, chat_object, workitem_object")
		return
	}
	if patch, err = objectField(m, wire.ChannelObjectKey(found[0])); err != nil {
		writeOpError(w, http.StatusBadRequest, err.Error())
		return
	}
	answer(w)(a.cfg.Center.UpdateChannelData(r.user.ID, r.vars["id"], found[0], patch))
}

func (a *API) postOperation(w http.ResponseWriter, r *request) {
	m, err := decodeObject(r.body)
	if err != nil {
		writeOpError(w, http.StatusBadRequest, err.Error())
		return
	}
	name, err := stringField(m, "operationName", true)
	if err != nil {
		writeOpError(w, http.StatusBadRequest, err.Error())
		return
	}
	c, uid, id := a.cfg.Center, r.user.ID, r.vars["id"]
	// param reads a required string parameter or answers 400.
	param := func(field string) (string, bool) {
		s, err := stringField(m, field, true)
		if err != nil {
			writeOpError(w, http.StatusBadRequest, fmt.Sprintf("%s: %v", name, err))
			return "", false
		}
		return s, true
	}
	switch contactcenter.Operation(name) {
	case contactcenter.OpAccept:
		nick, err := stringField(m, "nickname", false)
		if err == nil && nick == "" && m["nickname"] != nil && string(m["nickname"]) != "null" {
			err = fmt.Errorf("nickname must be 1 to %d characters; leave it out for the default", contactcenter.MaxNickname)
		}
		if err != nil {
			writeOpError(w, http.StatusBadRequest, fmt.Sprintf("%s: %v", name, err))
			return
		}
		answer(w)(c.AcceptAs(uid, id, nick))
	case contactcenter.OpReject:
		answer(w)(c.Reject(uid, id))
	case contactcenter.OpStopProcessing:
		answer(w)(c.StopProcessing(uid, id))
	case contactcenter.OpPlaceInQueue:
		if q, ok := param("queue"); ok {
			answer(w)(c.PlaceInQueue(uid, id, q))
		}
	case contactcenter.OpUpdateProperties:
		props, err := objectField(m, "properties")
		if err != nil {
			writeOpError(w, http.StatusBadRequest, fmt.Sprintf("%s: %v", name, err))
			return
		}
		answer(w)(c.UpdateProperties(uid, id, props))
	case contactcenter.OpPlaceInWorkbin:
		if wb, ok := param("workbin"); ok {
			answer(w)(c.PlaceInWorkbin(uid, id, wb))
		}
	case contactcenter.OpGetWorkbinContent:
		if wb, ok := param("workbin"); ok {
			answer(w)(c.GetWorkbinContent(uid, wb))
		}
	case contactcenter.OpTransfer:
		if t, ok := param("targetId"); ok {
			answer(w)(c.Transfer(uid, id, t))
		}
	case contactcenter.OpStartConference:
		if ag, ok := param("agentId"); ok {
			answer(w)(c.StartConference(uid, id, ag))
		}
	case contactcenter.OpEndConference, "LeaveConference":
		ag, err := stringField(m, "agentId", false)
		if err != nil {
			writeOpError(w, http.StatusBadRequest, fmt.Sprintf("%s: %v", name, err))
			return
		}
		answer(w)(c.EndConference(uid, id, ag))
	case contactcenter.OpSendMessage:
		if text, ok := param("text"); ok {
			answer(w)(c.SendMessage(uid, id, text))
		}
	case contactcenter.OpSendNotification:
		if t, ok := typingNotification(w, m); ok {
			answer(w)(c.SendNotification(uid, id, t))
		}
	case "SendStartTypingNotification":
		answer(w)(c.SendNotification(uid, id, contactcenter.ChatTypingStarted))
	case "SendStopTypingNotification":
		answer(w)(c.SendNotification(uid, id, contactcenter.ChatTypingStopped))
	case contactcenter.OpRequestChatHistory:
		if from, ok := fromIndex(w, m); ok {
			answer(w)(c.RequestChatHistory(uid, id, from))
		}
	case contactcenter.OpReply:
		answer(w)(c.Reply(uid, id))
	case contactcenter.OpReplyAll:
		answer(w)(c.ReplyAll(uid, id))
	case contactcenter.OpForward:
		var to any
		if raw, ok := m["to"]; ok {
			if err := json.Unmarshal(raw, &to); err != nil {
				writeOpError(w, http.StatusBadRequest, "Forward: to must be an address or a list of addresses")
				return
			}
		}
		answer(w)(c.Forward(uid, id, to))
	case contactcenter.OpSend:
		answer(w)(c.Send(uid, id))
	case contactcenter.OpCancelReply, "Cancel":
		answer(w)(c.CancelReply(uid, id))
	default:
		writeOpError(w, http.StatusBadRequest, fmt.Sprintf("operationName %q is not an operation of /me/interactions/{id}", name))
	}
}

// typingNotification reads SendNotification's event from notification or,
// misspelled as on the published page, notifcation: exactly one of the
// two; else it answers 400.
func typingNotification(w http.ResponseWriter, m map[string]json.RawMessage) (contactcenter.ChatEventType, bool) {
	_, right := m["notification"]
	_, wrong := m["notifcation"]
	if right == wrong {
		writeOpError(w, http.StatusBadRequest, "SendNotification: give notification (or notifcation), exactly one, TypingStarted or TypingStopped")
		return "", false
	}
	field := "notification"
	if wrong {
		field = "notifcation"
	}
	s, err := stringField(m, field, true)
	if err != nil {
		writeOpError(w, http.StatusBadRequest, "SendNotification: "+err.Error())
		return "", false
	}
	return contactcenter.ChatEventType(s), true
}

// fromIndex reads RequestChatHistory's fromIndex, or its synonym eventId
// (fromIndex counts when both are given); 0 when neither is. Else it
// answers 400.
func fromIndex(w http.ResponseWriter, m map[string]json.RawMessage) (int, bool) {
	for _, field := range []string{"fromIndex", "eventId"} {
		raw, ok := m[field]
		if !ok || string(raw) == "null" {
			continue
		}
		var n int
		if err := json.Unmarshal(raw, &n); err != nil || n < 1 {
			writeOpError(w, http.StatusBadRequest, fmt.Sprintf("RequestChatHistory: %s must be an integer of at least 1", field))
			return 0, false
		}
		return n, true
	}
	return 0, true
}
