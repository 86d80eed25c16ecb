package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/internal/jsonmatch"
)

// The interaction channel, the CometD channels and the API paths the domain
// steps use.
const (
	interactionsChannel = "/v2/me/interactions"
	channelsChannel     = "/v2/me/channels"
	myInteraction       = "/api/v2/me/interactions/{{it}}"
	interaction         = "/api/v2/interactions/{{it}}"
	// anyInteractionID stands in the path of GetWorkbinContent, whose {id}
	// segment the operation does not consult (docs/behavior.md §4).
	anyInteractionID = "0000000000000000"
	// rejectedState is the state told to an agent after Reject: the
	// published Reject page shows Completed, older pages Rejected
	// (docs/behavior.md B8.2).
	rejectedState = "{{regex:^(Rejected|Completed)$}}"
)

// ownerCaps are the capabilities of an owner with no conference on, in the
// order of the page's table.
var ownerCaps = []string{"StopProcessing", "PlaceInQueue", "UpdateProperties", "PlaceInWorkbin", "Transfer", "StartConference"}

// impliedCaps are the capabilities a StatusChange to state carries: an offer
// can be accepted or rejected, an owner has the seed page's full set, an
// ending state has none. For Processing the steps check only that these are
// among the capabilities: the media operations of the channel come on top
// (docs/behavior.md §7); a step that names the capabilities checks the
// exact set.
func impliedCaps(state string) []string {
	switch state {
	case "Invited", "InvitedConference":
		return []string{"Accept", "Reject"}
	case "Processing":
		return ownerCaps
	}
	return []string{}
}

// capsSet renders capabilities as a set: the contract gives them no order
// (docs/behavior.md B8.2), so the list matches in any order; the count is
// checked by the Call capsCount returns.
func capsSet(caps []string) raw {
	if len(caps) == 0 {
		return raw("[]")
	}
	return compact(append([]any{"{{contains}}"}, anySlice(caps)...))
}

// capsCount is the step that checks the number of capabilities of the last
// response (at path, e.g. interaction.capabilities) or, with user, of the
// user's last notification; none when caps is empty ([] says it already).
func capsCount(user, path string, caps []string) []Call {
	if len(caps) == 0 {
		return nil
	}
	if user != "" {
		return []Call{{Text: fmt.Sprintf("%s's last notification has %d %s", user, len(caps), path)}}
	}
	return []Call{{Text: fmt.Sprintf("the response has %d %s", len(caps), path)}}
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// sampleData is the channel data of interactions the domain steps create.
var sampleData = map[string]string{
	"email":    `{"subject": "Order 1042 arrived damaged", "from": "jane.doe@example.com", "to": "support@example.com", "body": "The box was crushed."}`,
	"chat":     `{"nickname": "Jane", "text": "Hello, my parcel never arrived."}`,
	"workitem": `{"caseNumber": "CASE-77"}`,
}

// raw is JSON text placed into a document as it is.
type raw string

// obj renders an object, one member per line, in the order given:
// obj("a", 1, "b", raw(`{"x":1}`)).
func obj(kv ...any) string {
	var b strings.Builder
	b.WriteString("{\n")
	for i := 0; i < len(kv); i += 2 {
		var v string
		switch x := kv[i+1].(type) {
		case raw:
			v = string(x)
		default:
			j, _ := json.Marshal(x)
			v = string(j)
		}
		fmt.Fprintf(&b, "  %q: %s", kv[i], v)
		if i+2 < len(kv) {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}")
	return b.String()
}

// compact renders v as one line of JSON.
func compact(v any) raw {
	j, _ := json.Marshal(v)
	return raw(j)
}

func sendCall(user, method, path, body string) Call {
	if body == "" {
		return Call{Text: fmt.Sprintf("%s sends %s %s", user, method, path)}
	}
	return Call{Text: fmt.Sprintf("%s sends %s %s with:", user, method, path), Doc: body}
}

func statusCall(code int) Call { return Call{Text: fmt.Sprintf("the response status is %d", code)} }

func matchCall(doc string) Call { return Call{Text: "the response matches:", Doc: doc} }

func receiveCall(user, channel, doc string) Call {
	return Call{Text: fmt.Sprintf("%s receives on %s:", user, channel), Doc: doc}
}

// okAnswer is the answer of a successful operation: the seed page's status,
// the published statusCode and the referenceId its notifications repeat.
const okAnswer = `{"status": "ok", "statusCode": 0, "referenceId": "{{number}}"}`

var okCalls = []Call{statusCall(200), matchCall(okAnswer)}

// succeeded are the steps that check a successful answer to user's request
// and keep its referenceId as USER.referenceId.
func succeeded(user string) []Call {
	return append(okCalls[:len(okCalls):len(okCalls)], Call{Text: "the response field referenceId is saved as " + user + ".referenceId"})
}

// refusalCodes are the GWS statusCodes of a refused operation, by HTTP
// status (docs/behavior.md B4.15).
var refusalCodes = map[int]int{400: 1, 403: 5, 404: 6, 409: 2, 413: 1, 500: 4}

// capsList reads "Accept and Reject", "A, B and C" or "none".
func capsList(s string) []string {
	if s == "none" || s == "no capabilities" {
		return []string{}
	}
	return splitUsers(s)
}

// participantsRe reads one "alice as Owner" of a participants list.
var participantsRe = regexp.MustCompile(`^([\w.@-]+) as (Owner|Member|Invited|InvitedConference)$`)

// created are the steps that keep the id and uri of the interaction the
// control API just created as it and it.uri.
func created() []Call {
	return []Call{
		statusCall(201),
		matchCall(obj("id", "{{string}}", "uri", "{{string}}")),
		{Text: "the response field id is saved as it"},
		{Text: "the response field uri is saved as it.uri"},
	}
}

// newInteraction is the control API body of a new interaction.
func newInteraction(channel, queue, agent string) (string, error) {
	data, ok := sampleData[channel]
	if !ok {
		return "", fmt.Errorf("unknown channel %q", channel)
	}
	kv := []any{"channel", channel}
	if queue == "" && agent != "" {
		// Offered to an agent, it still belongs to her group's queue of the
		// channel: with agent pools, the target's default queue would be the
		// first pool's, where a reject would route it to other scenarios.
		queue = channel + "-inbound"
	}
	if queue != "" {
		kv = append(kv, "queue", "{{queues."+queue+"}}")
	}
	if agent != "" {
		kv = append(kv, "agent", "{{"+agent+".userName}}")
	}
	kv = append(kv, channel+"_object", raw(data))
	return obj(kv...), nil
}

// opDef describes one operation an agent performs, for the two steps it
// gives: "alice accepts it" (which must succeed) and "alice tries to accept
// it" (whose outcome later steps check).
type opDef struct {
	does, try string // the step after the user: "accepts it", "accept it"
	user      string // the example's user
	args      []string
	// example and tryExample are the examples' texts after the user (and
	// after "tries to"), when filling args into does and try cannot write
	// them (nested groups).
	example, tryExample string
	doc                 string
	exampleDoc          string
	docString           bool
	// request returns the method, path and body; a are the groups after
	// the user, d the docstring.
	request func(a []string, d string) (method, path, body string)
}

func opBody(kv ...any) string { return obj(kv...) }

var opDefs = []opDef{
	{
		does: `accepts it`, try: `accept it`, user: "alice",
		doc: `The user accepts the interaction offered to it (Accept).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "Accept")
		},
	},
	{
		does: `rejects it`, try: `reject it`, user: "alice",
		doc: `The user rejects the interaction offered to it (Reject).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "Reject")
		},
	},
	{
		does: `stops processing it`, try: `stop processing it`, user: "alice",
		doc: `The owner completes the interaction (StopProcessing).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "StopProcessing")
		},
	},
	{
		does: `places it in queue (?P<queue>\S+)`, try: `place it in queue (?P<queue>\S+)`, user: "alice", args: []string{"chat-inbound"},
		doc: `The owner moves the interaction to the queue (PlaceInQueue); the queue is a scenario queue name, mapped to the target's.`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "PlaceInQueue", "queue", "{{queues."+a[0]+"}}")
		},
	},
	{
		does: `places it in workbin (?P<workbin>\S+)`, try: `place it in workbin (?P<workbin>\S+)`, user: "alice", args: []string{"alice-workbin"},
		doc: `The owner stores the interaction in the workbin, named by its scenario name (PlaceInWorkbin).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "PlaceInWorkbin", "workbin", "{{workbins."+a[0]+"}}")
		},
	},
	{
		does: `asks for the content of workbin (?P<workbin>\S+)`, try: `ask for the content of workbin (?P<workbin>\S+)`, user: "alice", args: []string{"team-workbin"},
		doc: `The user asks for the content of the workbin, named by its scenario name (GetWorkbinContent); the {id} of the path is not consulted.`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", "/api/v2/me/interactions/" + anyInteractionID, opBody("operationName", "GetWorkbinContent", "workbin", "{{workbins."+a[0]+"}}")
		},
	},
	{
		does: `transfers it to (?P<agent>\w+)`, try: `transfer it to (?P<agent>\w+)`, user: "alice", args: []string{"bob"},
		doc: `The owner transfers the interaction to the agent, named by user id (Transfer).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "Transfer", "targetId", "{{"+a[0]+".id}}")
		},
	},
	{
		does: `invites (?P<agent>\w+) to a conference on it`, try: `invite (?P<agent>\w+) to a conference on it`, user: "alice", args: []string{"carol"},
		doc: `The owner invites the agent, named by user id, to a conference (StartConference).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "StartConference", "agentId", "{{"+a[0]+".id}}")
		},
	},
	{
		does: `leaves the conference`, try: `leave the conference`, user: "carol",
		doc: `The user leaves the conference on the interaction (EndConference without agentId).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "EndConference")
		},
	},
	{
		does: `removes (?P<agent>\w+) from the conference`, try: `remove (?P<agent>\w+) from the conference`, user: "alice", args: []string{"carol"},
		doc: `The user ends the named agent's part in the conference (EndConference with agentId, the user id).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "EndConference", "agentId", "{{"+a[0]+".id}}")
		},
	},
	{
		does: `updates its properties with:`, try: `update its properties with:`, user: "alice", docString: true,
		exampleDoc: `{"customerId": "C-1042", "order": {"number": 1042}}`,
		doc:        `The user merges the docstring into the interaction's userData (UpdateProperties with the docstring as properties; JSON Merge Patch, null deletes).`,
		request: func(a []string, d string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "UpdateProperties", "properties", raw(d))
		},
	},
	{
		does: `changes its channel data with:`, try: `change its channel data with:`, user: "alice", docString: true,
		exampleDoc: `{"email_object": {"subject": "Re: Order 1042"}}`,
		doc:        `The user changes the interaction's channel data: PUT /interactions/{id} with the docstring as body.`,
		request: func(a []string, d string) (string, string, string) {
			return "PUT", interaction, d
		},
	},
	{
		does: `becomes (Ready|NotReady) on (?P<channel>\w+)`, try: `become (Ready|NotReady) on (?P<channel>\w+)`, user: "alice", args: []string{"NotReady", "email"},
		doc: `The agent changes its readiness on the channel: POST /me/channels/{channel}.`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", "/api/v2/me/channels/" + a[1], opBody("operationName", a[0])
		},
	},
	{
		does: `starts a contact-center session(?: on (?P<channels>\w+(?:(?:, | and )\w+)*))?`, try: `start a contact-center session(?: on (?P<channels>\w+(?:(?:, | and )\w+)*))?`,
		user: "alice", example: "starts a contact-center session on email", tryExample: "start a contact-center session on fax",
		doc: `The agent logs in (POST /me StartContactCenterSession): Ready on the channels named ("email and chat"; default: ` +
			`all of its channels), NotReady on its others.`,
		request: func(a []string, _ string) (string, string, string) {
			if a[0] == "" {
				return "POST", "/api/v2/me", opBody("operationName", "StartContactCenterSession")
			}
			return "POST", "/api/v2/me", opBody("operationName", "StartContactCenterSession", "channels", compact(splitUsers(a[0])))
		},
	},
	{
		does: `ends (?:her|their|his) contact-center session`, try: `end (?:her|their|his) contact-center session`, user: "alice",
		example: "ends her contact-center session", tryExample: "end her contact-center session",
		doc: `The agent logs out (POST /me EndContactCenterSession): NotReady everywhere, no new offers, and the session ` +
			`cookie no longer authenticates.`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", "/api/v2/me", opBody("operationName", "EndContactCenterSession")
		},
	},
	{
		does: `goes (Ready|NotReady) everywhere`, try: `go (Ready|NotReady) everywhere`, user: "alice", args: []string{"NotReady"},
		doc: `The agent changes its readiness on every channel of its own: POST /me with Ready or NotReady.`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", "/api/v2/me", opBody("operationName", a[0])
		},
	},
}

// exampleArgs fills the groups of a step tail with args, for examples.
func exampleText(tail string, args []string) string {
	i := 0
	re := regexp.MustCompile(`\([^)]*\)`)
	return re.ReplaceAllStringFunc(tail, func(string) string {
		if i < len(args) {
			i++
			return args[i-1]
		}
		return ""
	})
}

// opSteps returns the two steps of each operation of ops.
func opSteps(ops []opDef) []*Def {
	var out []*Def
	for _, op := range ops {
		op := op
		tail := exampleText(op.does, op.args)
		if op.example != "" {
			tail = op.example
		}
		out = append(out, &Def{
			Pattern: `^(?P<user>\w+) ` + op.does + `$`,
			Doc: op.doc + ` The request must succeed: status 200, {"status":"ok","statusCode":0,"referenceId":N}; N is kept as ` +
				`USER.referenceId (see "carries the referenceId of her last request").`,
			Example:    "When " + op.user + " " + tail,
			ExampleDoc: op.exampleDoc,
			DocString:  op.docString,
			expand: func(a []string, d string) ([]Call, error) {
				m, p, body := op.request(a[1:], d)
				return append([]Call{sendCall(a[0], m, p, body)}, succeeded(a[0])...), nil
			},
		})
		tryTail := exampleText(op.try, op.args)
		if op.tryExample != "" {
			tryTail = op.tryExample
		}
		out = append(out, &Def{
			Pattern:    `^(?P<user>\w+) tries to ` + op.try + `$`,
			Doc:        op.doc + ` Its outcome is left to the next steps (see "the request is refused with status").`,
			Example:    "When " + op.user + " tries to " + tryTail,
			ExampleDoc: op.exampleDoc,
			DocString:  op.docString,
			expand: func(a []string, d string) ([]Call, error) {
				m, p, body := op.request(a[1:], d)
				return []Call{sendCall(a[0], m, p, body)}, nil
			},
		})
	}
	return out
}

// channelObject is the published channel object of GET /me/channels and
// GET /me?subresources=channels.
func channelObject(channel, state string) map[string]any {
	return map[string]any{"channel": channel, "userState": map[string]string{"state": state, "displayName": state}}
}

// interactionMessage is the start of an InteractionStateMessage expectation.
func interactionMessage(notificationType string) []any {
	return []any{"messageTypeName", "InteractionStateMessage", "notificationType", notificationType, "id", "{{it}}"}
}

func domainDefs() []*Def {
	defs := []*Def{
		// ---------------------------------------------------------- arrivals
		{
			Pattern: `^an? (email|chat|workitem) is routed to (?P<agent>\w+)$`,
			Doc: `A new interaction of the channel arrives through the control API, offered directly to the agent, who is ` +
				`notified that it is Invited. Binds it and it.uri. The agent must be listening.`,
			Example: `Given an email is routed to alice`,
			expand: func(a []string, _ string) ([]Call, error) {
				body, err := newInteraction(a[0], "", a[1])
				if err != nil {
					return nil, err
				}
				calls := append([]Call{sendCall("control", "POST", "/control/v1/interactions", body)}, created()...)
				msg := obj(append(interactionMessage("StatusChange"),
					"channel", a[0],
					"state", "Invited",
					"capabilities", capsSet(impliedCaps("Invited")),
					"participants", compact([]map[string]string{{"userId": "{{" + a[1] + ".id}}", "userName": "{{" + a[1] + ".userName}}", "role": "Invited"}}),
					"uri", "{{it.uri}}",
				)...)
				calls = append(calls, receiveCall(a[1], interactionsChannel, msg))
				return append(calls, capsCount(a[1], "capabilities", impliedCaps("Invited"))...), nil
			},
		},
		{
			Pattern: `^an? (email|chat|workitem) arrives(?: in queue (?P<queue>\S+))?$`,
			Doc: `A new interaction of the channel arrives through the control API and is routed from the queue (default: the ` +
				`channel's first queue). Binds it and it.uri. Who is offered it is for the next steps to say.`,
			Example: `Given an email arrives in queue email-inbound`,
			expand: func(a []string, _ string) ([]Call, error) {
				body, err := newInteraction(a[0], a[1], "")
				if err != nil {
					return nil, err
				}
				return append([]Call{sendCall("control", "POST", "/control/v1/interactions", body)}, created()...), nil
			},
		},
		{
			Pattern:    `^an interaction arrives with:$`,
			Doc:        `A new interaction arrives through the control API, the docstring being the whole request body. Binds it and it.uri.`,
			Example:    `Given an interaction arrives with:`,
			ExampleDoc: `{"channel": "chat", "queue": "{{queues.chat-inbound}}", "userData": {"customerId": "C-2077"}, "chat_object": {"nickname": "Jane"}}`,
			DocString:  true,
			expand: func(_ []string, d string) ([]Call, error) {
				return append([]Call{sendCall("control", "POST", "/control/v1/interactions", d)}, created()...), nil
			},
		},
		{
			Pattern: `^its offers? (?:is|are) revoked$`,
			Doc:     `The control API takes back the interaction's open offers.`,
			Example: `When its offer is revoked`,
			expand: func(_ []string, _ string) ([]Call, error) {
				return []Call{sendCall("control", "POST", "/control/v1/interactions/{{it}}/revoke", ""), statusCall(200)}, nil
			},
		},
		{
			Pattern: `^it is routed again(?: to (?P<agent>\w+))?(?: from queue (?P<queue>\S+))?$`,
			Doc:     `The control API routes the waiting interaction again: to the agent, from the queue, or from the queue it came from.`,
			Example: `When it is routed again to bob`,
			expand: func(a []string, _ string) ([]Call, error) {
				var kv []any
				if a[0] != "" {
					kv = append(kv, "agent", "{{"+a[0]+".userName}}")
				}
				if a[1] != "" {
					kv = append(kv, "queue", "{{queues."+a[1]+"}}")
				}
				body := obj(kv...)
				return []Call{sendCall("control", "POST", "/control/v1/interactions/{{it}}/route", body), statusCall(200)}, nil
			},
		},
		{
			Pattern: `^` + usersPattern + ` (?:is|are) (Ready|NotReady) on (?P<channels>\w+(?:(?:, | and )\w+)*)$`,
			Doc: `Set-up: the driver makes each user Ready or NotReady on each channel, whatever they were. Say it before the ` +
				`users listen: a change notifies them, and a listening user would receive a message no step expects. The ` +
				`runner restores everyone's readiness after the scenario.`,
			Example: `Given bob, carol and dave are NotReady on email and chat`,
			expand: func(a []string, _ string) ([]Call, error) {
				var calls []Call
				for _, u := range splitUsers(a[0]) {
					for _, ch := range splitUsers(a[2]) {
						calls = append(calls,
							sendCall("control", "PUT", "/control/v1/users/{{"+u+".userName}}/channels/"+ch, obj("ready", a[1] == "Ready")),
							statusCall(200))
					}
				}
				return calls, nil
			},
		},
		{
			Pattern: `^one of ` + usersPattern + ` is offered it(?P<noref>, without a referenceId)?$`,
			Doc: `Exactly one of the listening users is offered the interaction: the first of them to receive a message on ` +
				`/v2/me/interactions must have received the StatusChange to Invited (Accept and Reject, that user the one ` +
				`participant, Invited); the others are left to "no one else is notified". Which one wins is the target's policy ` +
				`(docs/behavior.md B8.2), so the step binds offered to the winner's scenario name ("bob") and offered.id, ` +
				`offered.userName to its id and userName. "without a referenceId" also checks that the offer carries none.`,
			Example: `Then one of bob, carol and dave is offered it, without a referenceId`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				_, err := w.offeredOneOf(ctx, splitUsers(a[0]), a[1] != "")
				return err
			},
		},
		{
			Pattern: `^one of ` + usersPattern + ` is offered it, and the offer matches:$`,
			Doc: `Like "one of USERS is offered it", and the offer also matches the docstring ({{offered}} and friends are ` +
				`bound by then).`,
			Example:    `Then one of carol and dave is offered it, and the offer matches:`,
			ExampleDoc: `{"channel": "workitem", "workitem_object": {"caseNumber": "CASE-77"}}`,
			DocString:  true,
			run: func(ctx context.Context, w *World, a []string, doc string) error {
				u, err := w.offeredOneOf(ctx, splitUsers(a[0]), false)
				if err != nil {
					return err
				}
				last, err := w.lastNotification(u)
				if err != nil {
					return err
				}
				return w.match(fmt.Sprintf("the offer %s received on %s", u, last.channel), doc, last.data)
			},
		},
		{
			Pattern: `^(?P<user>\w+) (?:does not have|no longer has) it among (?:her|their|his) interactions$`,
			Doc: `GET /me/interactions as the user does not list the interaction's uri (other interactions may be listed: the ` +
				`target may be shared).`,
			Example: `Then bob does not have it among his interactions`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				return w.notListed(ctx, a[0], "/api/v2/me/interactions")
			},
		},
		{
			Pattern: `^(?P<user>\w+) does not see it among the contact center's interactions$`,
			Doc:     `GET /interactions as the user does not list the interaction's uri (it is no longer active).`,
			Example: `Then admin does not see it among the contact center's interactions`,
			run: func(ctx context.Context, w *World, a []string, _ string) error {
				return w.notListed(ctx, a[0], "/api/v2/interactions")
			},
		},
		{
			Pattern: `^(?P<user>\w+) sees it among the contact center's interactions$`,
			Doc:     `GET /interactions as the user lists the interaction's uri, among any others.`,
			Example: `Then admin sees it among the contact center's interactions`,
			expand: func(a []string, _ string) ([]Call, error) {
				return []Call{
					sendCall(a[0], "GET", "/api/v2/interactions", ""),
					statusCall(200),
					matchCall(obj("statusCode", 0, "uris", raw(`["{{contains}}", "{{it.uri}}"]`))),
				}, nil
			},
		},
		{
			Pattern: `^(?P<agent>\w+) is made (Ready|NotReady) on (?P<channel>\w+)$`,
			Doc:     `The control API changes the agent's readiness on the channel.`,
			Example: `Given bob is made NotReady on email`,
			expand: func(a []string, _ string) ([]Call, error) {
				return []Call{
					sendCall("control", "PUT", "/control/v1/users/{{"+a[0]+".userName}}/channels/"+a[2], obj("ready", a[1] == "Ready")),
					statusCall(200),
				}, nil
			},
		},

		// ---------------------------------------------------------- outcomes
		{
			Pattern: `^(?:the|(?P<user>\w+)'s) request succeeds$`,
			Doc: `The last operation answered HTTP 200 {"status":"ok","statusCode":0,"referenceId":N}. Said as "alice's request ` +
				`succeeds", it also keeps N as alice.referenceId, for "carries the referenceId of her last request".`,
			Example: `Then alice's request succeeds`,
			expand: func(a []string, _ string) ([]Call, error) {
				if a[0] == "" {
					return okCalls, nil
				}
				return succeeded(a[0]), nil
			},
		},
		{
			Pattern: `^the request is refused with status (?P<status>\d{3})(?:, naming "(?P<text>[^"]+)")?$`,
			Doc: `The last operation answered this status with {"status":"error","errorDescription":TEXT,"statusCode":CODE,` +
				`"statusMessage":TEXT} (CODE: 1 for 400 and 413, 5 for 403, 6 for 404, 2 for 409, 4 for 500) and no referenceId; ` +
				`with "naming", TEXT mentions the text (any case). Binds the variable refusal to TEXT.`,
			Example: `Then the request is refused with status 400, naming "queue"`,
			expand: func(a []string, _ string) ([]Call, error) {
				desc := "{{string}}"
				if a[1] != "" {
					desc = "{{regex:(?i)" + regexp.QuoteMeta(a[1]) + "}}"
				}
				var code int
				fmt.Sscan(a[0], &code)
				sc, ok := refusalCodes[code]
				if !ok {
					return nil, fmt.Errorf("status %d is no refusal of an operation (400, 403, 404, 409, 413, 500): check it with generic steps", code)
				}
				return []Call{
					statusCall(code),
					matchCall(obj("status", "error", "errorDescription", desc, "statusCode", sc, "statusMessage", "{{string}}", "referenceId", "{{absent}}")),
					{Text: "the response field errorDescription is saved as refusal"},
					matchCall(obj("statusMessage", "{{refusal}}")),
				}, nil
			},
		},
		{
			Pattern: `^the read is refused with status (?P<status>\d{3}) and statusCode (?P<code>\d+)$`,
			Doc:     `The last read answered this status with {"statusCode":N,"statusMessage":...}.`,
			Example: `Then the read is refused with status 404 and statusCode 6`,
			expand: func(a []string, _ string) ([]Call, error) {
				var code, sc int
				fmt.Sscan(a[0], &code)
				fmt.Sscan(a[1], &sc)
				return []Call{statusCall(code), matchCall(obj("statusCode", sc, "statusMessage", "{{string}}"))}, nil
			},
		},

		// ---------------------------------------------------------- views
		{
			Pattern: `^(?P<user>\w+) sees it as (?P<state>\w+)(?: with capabilities (?P<capabilities>.+))?$`,
			Doc: `GET /interactions/{id} as the user shows the interaction in this state, with these capabilities (default: ` +
				`Accept and Reject for an offer, none for an ending state; for Processing, at least the owner's seed set, to which ` +
				`the channel's media operations may add). Named capabilities are the exact set, in any order.`,
			Example: `Then bob sees it as Processing with capabilities none`,
			expand: func(a []string, _ string) ([]Call, error) {
				caps, exact := impliedCaps(a[1]), a[1] != "Processing"
				if a[2] != "" {
					caps, exact = capsList(a[2]), true
				}
				calls := []Call{
					sendCall(a[0], "GET", interaction, ""),
					statusCall(200),
					matchCall(obj("statusCode", 0, "interaction", raw(fmt.Sprintf(`{"id": "{{it}}", "state": %q, "capabilities": %s}`, a[1], capsSet(caps))))),
				}
				if !exact {
					return calls, nil
				}
				return append(calls, capsCount("", "interaction.capabilities", caps)...), nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) has (?P<n>no|\d+) interactions?$`,
			Doc:     `GET /me/interactions as the user lists this many interactions.`,
			Example: `Then alice has no interactions`,
			expand: func(a []string, _ string) ([]Call, error) {
				n := a[1]
				if n == "no" {
					n = "0"
				}
				return []Call{sendCall(a[0], "GET", "/api/v2/me/interactions", ""), statusCall(200), {Text: "the response has " + n + " uris"}}, nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) has it among (?:her|their|his) interactions$`,
			Doc:     `GET /me/interactions as the user lists the interaction's uri.`,
			Example: `Then alice has it among her interactions`,
			expand: func(a []string, _ string) ([]Call, error) {
				return []Call{
					sendCall(a[0], "GET", "/api/v2/me/interactions", ""),
					statusCall(200),
					matchCall(obj("statusCode", 0, "uris", raw(`["{{contains}}", "{{it.uri}}"]`))),
				}, nil
			},
		},

		{
			Pattern: `^(?P<user>\w+)'s readiness is (?P<states>\w+ (?:Ready|NotReady)(?:(?:, | and )\w+ (?:Ready|NotReady))*)$`,
			Doc: `GET /me/channels as the user lists exactly these channels in these states, in any order: "email Ready and chat ` +
				`NotReady".`,
			Example: `Then alice's readiness is email NotReady and chat Ready`,
			expand: func(a []string, _ string) ([]Call, error) {
				list := []any{"{{contains}}"}
				for _, cs := range splitUsers(a[1]) {
					ch, state, _ := strings.Cut(cs, " ")
					list = append(list, channelObject(ch, state))
				}
				return []Call{
					sendCall(a[0], "GET", "/api/v2/me/channels", ""),
					statusCall(200),
					matchCall(obj("statusCode", 0, "channels", compact(list))),
					{Text: fmt.Sprintf("the response has %d channels", len(list)-1)},
				}, nil
			},
		},

		// ---------------------------------------------------------- notifications
		{
			Pattern: `^(?P<user>\w+) is notified that it is (?P<state>\w+)(?: with capabilities (?P<capabilities>.+))?$`,
			Doc: `The user's next message on /v2/me/interactions is a StatusChange of the interaction to this state, with these ` +
				`capabilities (default: Accept and Reject for an offer, none for an ending state; for Processing, at least the ` +
				`owner's seed set, to which the channel's media operations may add). Named capabilities are the exact set, in any order.`,
			Example: `Then alice is notified that it is Processing`,
			expand: func(a []string, _ string) ([]Call, error) {
				caps, exact := impliedCaps(a[1]), a[1] != "Processing"
				if a[2] != "" {
					caps, exact = capsList(a[2]), true
				}
				kv := append(interactionMessage("StatusChange"), "state", a[1], "capabilities", capsSet(caps))
				calls := []Call{receiveCall(a[0], interactionsChannel, obj(kv...))}
				if !exact {
					return calls, nil
				}
				return append(calls, capsCount(a[0], "capabilities", caps)...), nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) is notified that (?:she|he|they) rejected it$`,
			Doc: `The user's next message on /v2/me/interactions is the StatusChange that ends its offer after Reject: state ` +
				`Completed (what the published Reject page shows) or Rejected, no capabilities.`,
			Example: `Then alice is notified that she rejected it`,
			expand: func(a []string, _ string) ([]Call, error) {
				kv := append(interactionMessage("StatusChange"), "state", rejectedState, "capabilities", raw("[]"))
				return []Call{receiveCall(a[0], interactionsChannel, obj(kv...))}, nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) is notified that the participants are now (?P<participants>.+?)(?: with capabilities (?P<capabilities>.+))?$`,
			Doc: `The user's next message on /v2/me/interactions is a ParticipantsUpdated of the interaction whose participants are ` +
				`exactly these (any order): "alice as Owner, carol as Member"; with capabilities, the user's own.`,
			Example: `Then alice is notified that the participants are now alice as Owner and carol as InvitedConference`,
			expand: func(a []string, _ string) ([]Call, error) {
				parts := []any{"{{contains}}"}
				for _, p := range splitUsers(a[1]) {
					m := participantsRe.FindStringSubmatch(p)
					if m == nil {
						return nil, fmt.Errorf("participant %q: write it as \"USER as ROLE\"", p)
					}
					parts = append(parts, map[string]string{"userId": "{{" + m[1] + ".id}}", "userName": "{{" + m[1] + ".userName}}", "role": m[2]})
				}
				kv := append(interactionMessage("ParticipantsUpdated"), "participants", compact(parts))
				var caps []string
				if a[2] != "" {
					caps = capsList(a[2])
					kv = append(kv, "capabilities", capsSet(caps))
				}
				return append([]Call{
					receiveCall(a[0], interactionsChannel, obj(kv...)),
					{Text: fmt.Sprintf("%s's last notification has %d participants", a[0], len(parts)-1)},
				}, capsCount(a[0], "capabilities", caps)...), nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) is notified that (?P<agent>\w+) left the conference(?: with capabilities (?P<capabilities>.+))?$`,
			Doc: `The user's next message on /v2/me/interactions tells a remaining party that the agent left: ParticipantsUpdated ` +
				`with state LeftConference and leftAgentId; with capabilities, the user's own.`,
			Example: `Then alice is notified that carol left the conference`,
			expand: func(a []string, _ string) ([]Call, error) {
				kv := append(interactionMessage("ParticipantsUpdated"), "state", "LeftConference", "leftAgentId", "{{"+a[1]+".id}}")
				var caps []string
				if a[2] != "" {
					caps = capsList(a[2])
					kv = append(kv, "capabilities", capsSet(caps))
				}
				return append([]Call{receiveCall(a[0], interactionsChannel, obj(kv...))}, capsCount(a[0], "capabilities", caps)...), nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) is notified that its (?:user data is|properties are) now:$`,
			Doc: `The user's next message on /v2/me/interactions is a PropertiesUpdated of the interaction whose userData matches ` +
				`the docstring ("its properties are now:" says the same, in the words of UpdateProperties).`,
			Example:    `Then alice is notified that its user data is now:`,
			ExampleDoc: `{"customerId": "C-1042", "obsolete": "{{absent}}"}`,
			DocString:  true,
			expand: func(a []string, d string) ([]Call, error) {
				return []Call{receiveCall(a[0], interactionsChannel, obj(append(interactionMessage("PropertiesUpdated"), "userData", raw(d))...))}, nil
			},
		},
		{
			Pattern:    `^(?P<user>\w+) is notified that its channel data is now:$`,
			Doc:        `The user's next message on /v2/me/interactions is a ChannelDataUpdated of the interaction that matches the docstring (which names the channel object).`,
			Example:    `Then alice is notified that its channel data is now:`,
			ExampleDoc: `{"email_object": {"subject": "Re: Order 1042", "from": "jane.doe@example.com"}}`,
			DocString:  true,
			expand: func(a []string, d string) ([]Call, error) {
				var members map[string]json.RawMessage
				if err := json.Unmarshal([]byte(d), &members); err != nil {
					return nil, fmt.Errorf("the docstring must be a JSON object: %w", err)
				}
				kv := interactionMessage("ChannelDataUpdated")
				keys := make([]string, 0, len(members))
				for k := range members {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					kv = append(kv, k, raw(members[k]))
				}
				return []Call{receiveCall(a[0], interactionsChannel, obj(kv...))}, nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) is notified that workbin (?P<workbin>\S+) holds (nothing|it)$`,
			Doc: `The answer to GetWorkbinContent: for "it", the user's next message on /v2/me/interactions is the interaction ` +
				`with notificationType WorkbinContent, state InWorkbin, the workbin's id and no capabilities (one such message per ` +
				`interaction in the workbin); for "nothing", the user receives nothing, as an empty workbin sends no message.`,
			Example: `Then alice is notified that workbin alice-workbin holds it`,
			expand: func(a []string, _ string) ([]Call, error) {
				if a[2] == "nothing" {
					return []Call{{Text: a[0] + " receives no notification"}}, nil
				}
				wb := "{{workbins." + a[1] + ".id}}"
				kv := append(interactionMessage("WorkbinContent"), "state", "InWorkbin", "capabilities", raw("[]"), "workbin", wb)
				return []Call{receiveCall(a[0], interactionsChannel, obj(kv...))}, nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) is notified that (?:she|he|they) (?:is|are) (Ready|NotReady) on (?P<channel>\w+)$`,
			Doc:     `The user's next message on /v2/me/channels is a ChannelStateMessage of that channel and state.`,
			Example: `Then alice is notified that she is NotReady on email`,
			expand: func(a []string, _ string) ([]Call, error) {
				return []Call{receiveCall(a[0], channelsChannel, obj("messageTypeName", "ChannelStateMessage", "channel", a[2], "state", a[1]))}, nil
			},
		},
		{
			Pattern: `^(?P<user>\w+)'s (?:last )?notification carries the referenceId of (?:her|his|their) last request$`,
			Doc: `The message the user's last "receives" step took carries the referenceId of the answer to the user's last ` +
				`operation that an "accepts it"-like step or "alice's request succeeds" checked (USER.referenceId).`,
			Example: `And alice's notification carries the referenceId of her last request`,
			expand: func(a []string, _ string) ([]Call, error) {
				return []Call{{Text: a[0] + "'s last notification matches:", Doc: obj("referenceId", "{{"+a[0]+".referenceId}}")}}, nil
			},
		},
		{
			Pattern: `^(?P<user>\w+)'s (?:last )?notification carries no referenceId$`,
			Doc:     `The message the user's last "receives" step took has no referenceId: no request of that user caused it.`,
			Example: `And bob's notification carries no referenceId`,
			expand: func(a []string, _ string) ([]Call, error) {
				return []Call{{Text: a[0] + "'s last notification matches:", Doc: obj("referenceId", "{{absent}}")}}, nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) is not notified$`,
			Doc:     `The listening user receives nothing within the quiet wait.`,
			Example: `Then bob is not notified`,
			expand: func(a []string, _ string) ([]Call, error) {
				return []Call{{Text: a[0] + " receives no notification"}}, nil
			},
		},
		{
			Pattern: `^no one else is notified$`,
			Doc:     `No listening user receives anything more within the quiet wait.`,
			Example: `And no one else is notified`,
			expand: func(_ []string, _ string) ([]Call, error) {
				return []Call{{Text: "nobody else receives a notification"}}, nil
			},
		},
	}
	return append(defs, opSteps(opDefs)...)
}

// offeredOneOf waits for the first of the users to receive a message on
// /v2/me/interactions, checks that it is the offer of the interaction it,
// and binds offered, offered.id and offered.userName to that user.
func (w *World) offeredOneOf(ctx context.Context, users []string, noReference bool) (string, error) {
	ls := make([]*listener, 0, len(users))
	for _, u := range users {
		l, err := w.listener(u)
		if err != nil {
			return "", err
		}
		ls = append(ls, l)
	}
	d := w.cfg.notifyTimeout()
	l, err := firstToReceive(ctx, ls, interactionsChannel, d)
	if errors.Is(err, errNoMessage) {
		return "", fmt.Errorf("none of %s received a message on %s within %s", strings.Join(users, ", "), interactionsChannel, d)
	}
	if err != nil {
		return "", err
	}
	u := l.user
	kv := append(interactionMessage("StatusChange"),
		"state", "Invited",
		"capabilities", capsSet(impliedCaps("Invited")),
		"participants", compact([]map[string]string{{"userId": "{{" + u + ".id}}", "userName": "{{" + u + ".userName}}", "role": "Invited"}}),
	)
	if noReference {
		kv = append(kv, "referenceId", "{{absent}}")
	}
	doc := obj(kv...)
	if err := w.receive(ctx, u, interactionsChannel, d, doc); err != nil {
		return "", err
	}
	if err := count(fmt.Sprintf("the message %s received on %s", u, interactionsChannel), l.last.data, "capabilities", "2"); err != nil {
		return "", err
	}
	w.vars.SetString("offered", u)
	for _, f := range []string{"id", "userName"} {
		if v, ok := w.vars[u+"."+f]; ok {
			w.vars["offered."+f] = v
		}
	}
	return u, nil
}

// firstToReceive waits up to d until one of the listeners has a message on
// channel and returns it, without taking the message; errNoMessage when
// none has one in time.
func firstToReceive(ctx context.Context, ls []*listener, channel string, d time.Duration) (*listener, error) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		cases := make([]reflect.SelectCase, 0, len(ls)+2)
		for _, l := range ls {
			if err := l.brokenErr(); err != nil {
				return nil, err
			}
			l.mu.Lock()
			has, wake, err := len(l.queues[channel]) > 0, l.wake, l.err
			l.mu.Unlock()
			if has {
				return l, nil
			}
			if err != nil && !errors.Is(err, bayeux.ErrClosed) {
				return nil, fmt.Errorf("%s's CometD session ended: %w", l.user, err)
			}
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(wake)})
		}
		cases = append(cases,
			reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(timer.C)},
			reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())})
		switch i, _, _ := reflect.Select(cases); i {
		case len(ls):
			return nil, errNoMessage
		case len(ls) + 1:
			return nil, ctx.Err()
		}
	}
}

// notListed checks that GET path as user answers a list of uris without the
// interaction it.
func (w *World) notListed(ctx context.Context, user, path string) error {
	if err := w.send(ctx, user, "GET", path, nil); err != nil {
		return err
	}
	x, err := w.lastExchange()
	if err != nil {
		return err
	}
	if x.status != 200 {
		return fmt.Errorf("the response to %s: expected status 200, got %d; body:\n%s", x, x.status, indent(clip(pretty(x.body), 3000), "  "))
	}
	uri, err := jsonmatch.Expand("{{it.uri}}", w.vars)
	if err != nil {
		return err
	}
	uris := gjson.GetBytes(x.body, "uris")
	if !uris.IsArray() {
		return fmt.Errorf("the response to %s has no list of uris:\n%s", x, indent(clip(pretty(x.body), 3000), "  "))
	}
	for _, u := range uris.Array() {
		if u.String() == uri {
			return fmt.Errorf("the response to %s lists %s, which should not be there:\n%s", x, uri, indent(clip(pretty(x.body), 3000), "  "))
		}
	}
	return nil
}
