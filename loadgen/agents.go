package loadgen

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Agent is the login of one simulated agent.
type Agent struct {
	UserName string
	Password string
}

// DefaultAgents are the four agents of gwsmock's embedded default contact
// center.
func DefaultAgents() []Agent {
	return []Agent{{"alice", "alice123"}, {"bob", "bob123"}, {"carol", "carol123"}, {"dave", "dave123"}}
}

// ParseAgents reads a comma-separated list of userName:password pairs.
func ParseAgents(list string) ([]Agent, error) {
	var out []Agent
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, pass, ok := strings.Cut(item, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("agent %q: want userName:password", item)
		}
		out = append(out, Agent{UserName: name, Password: pass})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no agent in %q", list)
	}
	return out, nil
}

// PatternAgents makes n agents from fmt patterns that take the agent's
// number (first, first+1, ...), for example "agent%04d" and "pw%04d".
// A pattern without a verb is used as is.
func PatternAgents(userPattern, passwordPattern string, first, n int) ([]Agent, error) {
	if n <= 0 {
		return nil, fmt.Errorf("agent count %d: want at least 1", n)
	}
	format := func(p string, i int) string {
		if !strings.Contains(p, "%") {
			return p
		}
		return fmt.Sprintf(p, i)
	}
	out := make([]Agent, n)
	seen := make(map[string]bool, n)
	for i := range out {
		out[i] = Agent{UserName: format(userPattern, first+i), Password: format(passwordPattern, first+i)}
		if seen[out[i].UserName] {
			return nil, fmt.Errorf("user pattern %q gives %q twice: put a verb such as %%d in it", userPattern, out[i].UserName)
		}
		seen[out[i].UserName] = true
	}
	return out, nil
}

// AgentsFromTargetFile reads the users of a conformance target file
// (gwsmock conform --target-file): every user but "admin", in the order of
// their scenario names.
func AgentsFromTargetFile(b []byte) ([]Agent, error) {
	var doc struct {
		Users map[string]struct {
			UserName string `json:"userName"`
			Password string `json:"password"`
		} `json:"users"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("target file: %w", err)
	}
	names := make([]string, 0, len(doc.Users))
	for k := range doc.Users {
		if k != "admin" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var out []Agent
	for _, k := range names {
		u := doc.Users[k]
		if u.UserName == "" {
			u.UserName = k
		}
		if u.Password == "" {
			return nil, fmt.Errorf("target file: user %q has no password", k)
		}
		out = append(out, Agent{UserName: u.UserName, Password: u.Password})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("target file: no agent under \"users\"")
	}
	return out, nil
}
