package bayeux

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		name             string
		pattern, channel string
		want             bool
	}{
		{"exact", "/a/b", "/a/b", true},
		{"exact differs", "/a/b", "/a/c", false},
		{"exact is not a prefix", "/a", "/a/b", false},
		{"star one segment", "/a/*", "/a/b", true},
		{"star not two segments", "/a/*", "/a/b/c", false},
		{"star not the parent", "/a/*", "/a", false},
		{"star not a sibling prefix", "/a/*", "/ab/c", false},
		{"double star one segment", "/a/**", "/a/b", true},
		{"double star deep", "/a/**", "/a/b/c/d", true},
		{"double star not the parent", "/a/**", "/a", false},
		{"double star not a sibling prefix", "/a/**", "/ab/c", false},
		{"root star", "/*", "/a", true},
		{"root star not deep", "/*", "/a/b", false},
		{"root double star", "/**", "/a/b/c", true},
		{"interactions under me star", "/v2/me/*", "/v2/me/interactions", true},
		{"interactions under me double star", "/v2/me/**", "/v2/me/interactions", true},
		{"middle star is literal", "/a/*/c", "/a/b/c", false},
		{"middle star matches itself", "/a/*/c", "/a/*/c", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Match(tt.pattern, tt.channel); got != tt.want {
				t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.channel, got, tt.want)
			}
		})
	}
}

func TestValidChannel(t *testing.T) {
	tests := []struct {
		name     string
		channel  string
		wildcard bool
		want     bool
	}{
		{"plain", "/a/b", false, true},
		{"empty", "", false, false},
		{"root only", "/", false, false},
		{"no leading slash", "a/b", false, false},
		{"trailing slash", "/a/", false, false},
		{"empty segment", "/a//b", false, false},
		{"star when wildcards refused", "/a/*", false, false},
		{"star", "/a/*", true, true},
		{"double star", "/a/**", true, true},
		{"root double star", "/**", true, true},
		{"middle star", "/a/*/b", true, false},
		{"triple star", "/a/***", true, true}, // a literal segment
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidChannel(tt.channel, tt.wildcard); got != tt.want {
				t.Errorf("ValidChannel(%q, %v) = %v, want %v", tt.channel, tt.wildcard, got, tt.want)
			}
		})
	}
}

func TestChannelKinds(t *testing.T) {
	tests := []struct {
		channel                 string
		meta, service, wildcard bool
	}{
		{"/meta/connect", true, false, false},
		{"/metadata", false, false, false},
		{"/service/echo", false, true, false},
		{"/services", false, false, false},
		{"/service/**", false, true, true},
		{"/v2/me/*", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.channel, func(t *testing.T) {
			if got := IsMeta(tt.channel); got != tt.meta {
				t.Errorf("IsMeta = %v, want %v", got, tt.meta)
			}
			if got := IsService(tt.channel); got != tt.service {
				t.Errorf("IsService = %v, want %v", got, tt.service)
			}
			if got := IsWildcard(tt.channel); got != tt.wildcard {
				t.Errorf("IsWildcard = %v, want %v", got, tt.wildcard)
			}
		})
	}
}
