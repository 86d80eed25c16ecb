package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/jsonmatch"
)

// noteNotified keeps an InteractionStateMessage a receive step took as the
// last notification user received about that interaction, for the step
// "USER's view of it agrees with her last notification".
func (w *World) noteNotified(user string, data []byte) {
	if gjson.GetBytes(data, "messageTypeName").String() != "InteractionStateMessage" {
		return
	}
	id := gjson.GetBytes(data, "id")
	if id.Type != gjson.String {
		return
	}
	if w.notified == nil {
		w.notified = map[string]map[string]json.RawMessage{}
	}
	if w.notified[user] == nil {
		w.notified[user] = map[string]json.RawMessage{}
	}
	w.notified[user][id.Str] = json.RawMessage(slices.Clone(data))
}

// partyStates are the states of a notification that leave its reader a
// party of the interaction (docs/behavior.md B4.1); every other state a
// StatusChange tells ends the reader's part (B4.2).
var partyStates = []string{"Invited", "InvitedConference", "Processing", "Composing"}

// chatCustomerCaps are the capabilities of a chat party that follow the
// customer's presence (docs/behavior.md B7.10, B7.11): they change without
// an InteractionStateMessage, so REST may drop them after the last one.
var chatCustomerCaps = []string{"SendMessage", "SendNotification"}

// agreementRule says how the REST object must agree with a notification.
type agreementRule struct {
	party bool // the reader is still a party: the interaction is among hers
	// restState is the state REST must show; "" when the notification
	// ended the reader's part and told her own outcome, not the
	// interaction's state (docs/behavior.md B4.2, B4.3).
	restState string
}

// ruleFor reads what a notification to the user with id userID (empty when
// unknown) says about her part.
func ruleFor(note map[string]any, userID string) agreementRule {
	state, _ := note["state"].(string)
	kind, _ := note["notificationType"].(string)
	left, hasLeft := note["leftAgentId"].(string)
	switch {
	case slices.Contains(partyStates, state):
		return agreementRule{party: true, restState: state}
	case state == "LeftConference" && hasLeft && (userID != "" && left != userID || userID == "" && kind == "ParticipantsUpdated"):
		// A remaining party is told who left; her REST state stays
		// Processing (docs/behavior.md B4.13).
		return agreementRule{party: true, restState: "Processing"}
	case kind == "WorkbinContent":
		// Not a party: REST shows the interaction's own state, InWorkbin
		// (docs/behavior.md B4.3, B4.10).
		return agreementRule{restState: state}
	}
	return agreementRule{}
}

// viewAgrees is the step "USER's view of NAME agrees with her last
// notification": the interaction the variable name holds, read by REST as
// user, agrees with the last InteractionStateMessage about it a receive
// step of hers took (docs/behavior.md B3.1).
func (w *World) viewAgrees(ctx context.Context, user, name string) error {
	id, err := jsonmatch.Expand("{{"+name+"}}", w.vars)
	if err != nil {
		return err
	}
	raw, ok := w.notified[user][id]
	if !ok {
		return fmt.Errorf("%s has not received a notification about %s (%s) yet: expect one first (\"%s is notified that ...\")", user, name, id, user)
	}
	note, err := decodeObject(raw)
	if err != nil {
		return fmt.Errorf("%s's last notification about %s: %w", user, name, err)
	}
	userID, _ := jsonmatch.Expand("{{"+user+".id}}", w.vars)
	rule := ruleFor(note, userID)
	what := fmt.Sprintf("%s's last notification about %s (%s, state %v)", user, name, note["notificationType"], note["state"])

	var report []string
	// Her own list (docs/behavior.md B4.18) holds the interaction exactly
	// while she is a party.
	mine, err := w.readREST(ctx, user, "/api/v2/me/interactions?fields=*")
	if err != nil {
		return err
	}
	var listed map[string]any
	list, _ := mine["interactions"].([]any)
	for _, x := range list {
		if o, ok := x.(map[string]any); ok && o["id"] == id {
			listed = o
		}
	}
	switch {
	case rule.party && listed == nil:
		report = append(report, fmt.Sprintf("GET /api/v2/me/interactions?fields=* does not list %s, though %s leaves %s a party", id, what, user))
	case !rule.party && listed != nil:
		report = append(report, fmt.Sprintf("GET /api/v2/me/interactions?fields=* lists %s, though %s ended %s's part", id, what, user))
	case listed != nil:
		if d := disagreements(listed, note, rule); len(d) > 0 {
			report = append(report, "GET /api/v2/me/interactions?fields=* (its element "+id+") disagrees in:\n    "+strings.Join(d, "\n    "))
		}
	}
	// The interaction itself (docs/behavior.md B4.20), as she sees it.
	one, err := w.readREST(ctx, user, "/api/v2/interactions/"+id)
	if err != nil {
		return err
	}
	it, _ := one["interaction"].(map[string]any)
	if it == nil {
		report = append(report, "GET /api/v2/interactions/"+id+" holds no interaction object")
	} else if d := disagreements(it, note, rule); len(d) > 0 {
		report = append(report, "GET /api/v2/interactions/"+id+" disagrees in:\n    "+strings.Join(d, "\n    "))
	}
	if len(report) == 0 {
		return nil
	}
	restJSON, _ := json.Marshal(it)
	return fmt.Errorf("%s's view of %s disagrees with %s:\n  %s\nthe notification:\n%s\nGET /api/v2/interactions/%s:\n%s",
		user, name, what, strings.Join(report, "\n  "),
		indent(clip(pretty(raw), 3000), "  "), id, indent(clip(pretty(restJSON), 3000), "  "))
}

// readREST sends GET path as user, which must answer 200 with a JSON
// object, and returns it decoded.
func (w *World) readREST(ctx context.Context, user, path string) (map[string]any, error) {
	if err := w.send(ctx, user, http.MethodGet, path, nil); err != nil {
		return nil, err
	}
	x := w.last
	if x.status != http.StatusOK {
		return nil, fmt.Errorf("the response to %s: expected status 200, got %d; body:\n%s", x, x.status, indent(clip(pretty(x.body), 3000), "  "))
	}
	o, err := decodeObject(x.body)
	if err != nil {
		return nil, fmt.Errorf("the response to %s: %w", x, err)
	}
	return o, nil
}

// decodeObject decodes a JSON object, numbers as json.Number.
func decodeObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var o map[string]any
	if err := d.Decode(&o); err != nil || o == nil {
		return nil, fmt.Errorf("not a JSON object: %s", clip(string(b), 300))
	}
	return o, nil
}

// agreeingFields are the members of an interaction object that REST and a
// notification must both carry with the same value, or both leave out
// (null counts as left out, docs/behavior.md B8.1).
var agreeingFields = []string{"id", "channel", "interactionType", "interactionSubType", "parentId", "ownerId", "currentQueue", "workbin", "receivedDate", "userData"}

// channelDataFields are the members of each channel object that both must
// carry alike (docs/behavior.md B3.3); a chat's transcript grows by
// message-log notifications (B7.8), so it is not compared, and a workitem
// object is free, compared whole.
var channelDataFields = map[string][]string{
	"email_object": {"interactionId", "subject", "from", "to", "cc", "body"},
	"chat_object":  {"nickname"},
}

// disagreements lists how the REST object rest disagrees with the
// notification note, one line per member, under the runner's tolerance
// (docs/behavior.md B8.1): members outside the contract may be on one side
// only, except that a date ("...Date") or mediaType on both must agree;
// participants and capabilities are sets.
func disagreements(rest, note map[string]any, rule agreementRule) []string {
	var out []string
	differ := func(key string, r, n any, rOK, nOK bool) {
		out = append(out, fmt.Sprintf("%s: REST %s, notification %s", key, show(r, rOK), show(n, nOK)))
	}
	for _, k := range agreeingFields {
		r, rOK := member(rest, k)
		n, nOK := member(note, k)
		if rOK != nOK || rOK && !sameJSON(r, n) {
			differ(k, r, n, rOK, nOK)
		}
	}
	for k, n := range note {
		if k == "mediaType" || strings.HasSuffix(k, "Date") && k != "receivedDate" {
			if r, ok := member(rest, k); ok && n != nil && !sameJSON(r, n) {
				differ(k, r, n, true, true)
			}
		}
	}
	if rule.restState != "" {
		if r, _ := rest["state"].(string); r != rule.restState {
			r, rOK := member(rest, "state")
			out = append(out, fmt.Sprintf("state: REST %s, expected %q after the notification's %s", show(r, rOK), rule.restState, show(note["state"], true)))
		}
	}
	if r, n := participants(rest["participants"]), participants(note["participants"]); !slices.Equal(r, n) {
		out = append(out, fmt.Sprintf("participants: REST %s, notification %s", showSet(r), showSet(n)))
	}
	ignore := []string(nil)
	if note["channel"] == "chat" {
		ignore = chatCustomerCaps
	}
	if r, n := strs(rest["capabilities"], ignore), strs(note["capabilities"], ignore); !slices.Equal(r, n) {
		out = append(out, fmt.Sprintf("capabilities: REST %s, notification %s", showSet(r), showSet(n)))
	}
	for _, k := range []string{"email_object", "chat_object", "workitem_object"} {
		r, rOK := member(rest, k)
		n, nOK := member(note, k)
		switch {
		case rOK != nOK:
			differ(k, r, n, rOK, nOK)
		case !rOK:
		case k == "workitem_object":
			if !sameJSON(r, n) {
				differ(k, r, n, true, true)
			}
		default:
			out = append(out, objectDisagreements(k, r, n, channelDataFields[k])...)
		}
	}
	return out
}

// objectDisagreements compares two channel objects: the fields named must
// agree (both absent counts), others only where both carry them; a chat's
// transcript is left out.
func objectDisagreements(key string, r, n any, fields []string) []string {
	ro, _ := r.(map[string]any)
	no, _ := n.(map[string]any)
	if ro == nil || no == nil {
		if sameJSON(r, n) {
			return nil
		}
		return []string{fmt.Sprintf("%s: REST %s, notification %s", key, show(r, true), show(n, true))}
	}
	keys := map[string]bool{}
	for k := range ro {
		keys[k] = true
	}
	for k := range no {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if k == "transcript" {
			continue
		}
		rv, rOK := member(ro, k)
		nv, nOK := member(no, k)
		if !slices.Contains(fields, k) && (!rOK || !nOK) {
			continue
		}
		if rOK != nOK || rOK && !sameJSON(rv, nv) {
			out = append(out, fmt.Sprintf("%s.%s: REST %s, notification %s", key, k, show(rv, rOK), show(nv, nOK)))
		}
	}
	return out
}

// member returns o[k] and whether it is there and not null.
func member(o map[string]any, k string) (any, bool) {
	v, ok := o[k]
	return v, ok && v != nil
}

// participants renders a participants list as a sorted set of "userName
// as role (userId)" (extra fields of a participant are not compared).
func participants(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		p, _ := x.(map[string]any)
		out = append(out, fmt.Sprintf("%v as %v (%v)", p["userName"], p["role"], p["userId"]))
	}
	sort.Strings(out)
	return out
}

// strs renders a list of strings as a sorted set, without those of ignore.
func strs(v any, ignore []string) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s := fmt.Sprint(x)
		if !slices.Contains(ignore, s) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func showSet(s []string) string { return "[" + strings.Join(s, ", ") + "]" }

// show renders a value for a report: compact JSON, or "absent".
func show(v any, ok bool) string {
	if !ok {
		return "absent"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// sameJSON reports whether two decoded JSON values are equal: objects by
// their members, arrays in order, numbers by value (12 equals 12.0e0).
func sameJSON(x, y any) bool {
	switch x := x.(type) {
	case map[string]any:
		y, ok := y.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameJSON(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := y.(json.Number)
		if !ok {
			return false
		}
		a, aOK := new(big.Rat).SetString(string(x))
		b, bOK := new(big.Rat).SetString(string(y))
		return aOK && bOK && a.Cmp(b) == 0
	default:
		return x == y
	}
}
