package bayeux

import "strings"

// Meta channels.
const (
	MetaHandshake   = "/meta/handshake"
	MetaConnect     = "/meta/connect"
	MetaSubscribe   = "/meta/subscribe"
	MetaUnsubscribe = "/meta/unsubscribe"
	MetaDisconnect  = "/meta/disconnect"
)

// ValidChannel reports whether name is a well-formed channel name: it starts
// with "/", has no empty segment and no trailing "/". When wildcard is true
// the last segment may be "*" (one segment) or "**" (one or more segments);
// a wildcard anywhere else is never valid.
func ValidChannel(name string, wildcard bool) bool {
	if len(name) < 2 || name[0] != '/' {
		return false
	}
	segs := strings.Split(name[1:], "/")
	for i, seg := range segs {
		if seg == "" {
			return false
		}
		if seg == "*" || seg == "**" {
			if !wildcard || i != len(segs)-1 {
				return false
			}
		}
	}
	return true
}

// IsWildcard reports whether the channel pattern ends in "/*" or "/**".
func IsWildcard(pattern string) bool {
	return strings.HasSuffix(pattern, "/*") || strings.HasSuffix(pattern, "/**")
}

// IsMeta reports whether channel is a /meta channel.
func IsMeta(channel string) bool {
	return channel == "/meta" || strings.HasPrefix(channel, "/meta/")
}

// IsService reports whether channel is a /service channel; messages
// published there go to the server and are never broadcast.
func IsService(channel string) bool {
	return channel == "/service" || strings.HasPrefix(channel, "/service/")
}

// Match reports whether channel matches pattern. A pattern ending in "/*"
// matches exactly one more segment, one ending in "/**" one or more; any
// other pattern matches only itself. Wildcards are trailing only: "*" in the
// middle of a pattern is an ordinary character, and such patterns are
// refused by ValidChannel anyway.
func Match(pattern, channel string) bool {
	switch {
	case strings.HasSuffix(pattern, "/**"):
		prefix := pattern[:len(pattern)-2] // keeps the trailing "/"
		return len(channel) > len(prefix) && strings.HasPrefix(channel, prefix)
	case strings.HasSuffix(pattern, "/*"):
		prefix := pattern[:len(pattern)-1]
		if len(channel) <= len(prefix) || !strings.HasPrefix(channel, prefix) {
			return false
		}
		return !strings.Contains(channel[len(prefix):], "/")
	default:
		return pattern == channel
	}
}
