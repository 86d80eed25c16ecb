package push

// CometD channels the notifications travel on.
const (
	InteractionsChannel = "/v2/me/interactions"
	ChannelsChannel     = "/v2/me/channels"
)
