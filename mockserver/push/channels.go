package push

// CometD channels the notifications travel on.
const (
	InteractionsChannel = "/v2/me/interactions"
	ChannelsChannel     = "/v2/me/channels"
)

// The same topics under the names the GWS 8.5 notification pages give them
// (docs/behavior.md B6.4): a session subscribed under one of these receives
// the notifications of the /v2 channel, with channel set to this name.
const (
	InteractionsAlias = "/me/interactions"
	ChannelsAlias     = "/me/channels"
)

// deliveryNames are the names a notification of each channel is delivered
// under: the channel first, then its alias.
var deliveryNames = map[string][]string{
	InteractionsChannel: {InteractionsChannel, InteractionsAlias},
	ChannelsChannel:     {ChannelsChannel, ChannelsAlias},
}

// Names returns the names a notification on channel is delivered under:
// channel itself, then its aliases. The slice must not be changed.
func Names(channel string) []string {
	if names, ok := deliveryNames[channel]; ok {
		return names
	}
	return []string{channel}
}
