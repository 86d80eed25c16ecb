// Package push turns contact-center events into CometD deliveries: each
// event goes to its one recipient's sessions on /v2/me/interactions or
// /v2/me/channels, or on their aliases without /v2 (/me/interactions,
// /me/channels) for sessions subscribed that way, with the payload of the
// spec's notification schemas. It owns what only CometD carries: the
// channel names and their aliases, the ChannelStateMessage message and the
// encoding of an event into its notification (the interaction object
// inside is package wire's, shared with the REST objects). It also holds
// the channel policy of docs/behavior.md §6: clients subscribe under /v2/
// (wildcards included) or to the aliases, and never publish there.
package push

import (
	"encoding/json"
	"log/slog"
	"strings"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// Deliverer is the part of the Bayeux server push needs: deliver data to
// the sessions owned by principal (a user id), each once, on the first of
// channels (the channel, then its aliases) that one of its subscriptions
// matches (bayeux.Server.DeliverAs).
type Deliverer interface {
	DeliverAs(principal string, channels []string, data json.RawMessage) int
}

// Bridge is a contactcenter.Sink that delivers every event.
type Bridge struct {
	Out     Deliverer
	BaseURL string       // scheme://host of absolute uris
	Logger  *slog.Logger // nil: discard
	// Observe, when set, is given every notification before it is
	// delivered (the journal records them, once, under the /v2 channel),
	// so that an event is encoded once.
	Observe func(contactcenter.Event, Notification)
}

// Publish implements contactcenter.Sink. The center calls it in event order
// and never concurrently, so per-user order is the order of the transitions.
func (b *Bridge) Publish(events []contactcenter.Event) {
	base := b.BaseURL
	for _, e := range events {
		n, err := EncodeEvent(e, base)
		if err != nil {
			if b.Logger != nil {
				b.Logger.Error("encode notification", "err", err, "user", e.UserID)
			}
			continue
		}
		if b.Observe != nil {
			b.Observe(e, n)
		}
		b.Out.DeliverAs(n.UserID, Names(n.Channel), n.Data)
	}
}

// CanSubscribe is the subscription policy: any channel or wildcard under
// /v2/, the aliases without /v2 (/me/interactions, /me/channels, /me/*,
// /me/**), and the global "/**". Delivery is per user, so a wide wildcard
// never reaches another user's messages; refusing the rest makes a typo
// (for example "/me/interaction") fail loudly instead of staying silent.
func CanSubscribe(principal, channel string) bool {
	switch channel {
	case "/**", InteractionsAlias, ChannelsAlias, "/me/*", "/me/**":
		return true
	}
	return strings.HasPrefix(channel, "/v2/")
}

// CanPublish is the publish policy: clients may not publish to /v2/**, to
// the aliases, nor anywhere else; the server is the only source of
// notifications.
func CanPublish(principal, channel string) bool {
	return false
}
