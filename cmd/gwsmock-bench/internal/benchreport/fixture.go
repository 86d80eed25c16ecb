package benchreport

import (
	"encoding/json"
	"fmt"

	"github.com/gwsmock/gwsmock/loadgen"
)

// Fixture returns a state document (fixtures/schema.json) with n email
// agents agent00001..., passwords pw00001..., all serving one email queue,
// Ready, with the given email capacity (0: the default, 5).
func Fixture(n, capacity int) []byte {
	type user struct {
		ID       string         `json:"id"`
		UserName string         `json:"userName"`
		Password string         `json:"password"`
		First    string         `json:"firstName"`
		Last     string         `json:"lastName"`
		Roles    []string       `json:"roles"`
		Channels []string       `json:"channels"`
		Queues   []string       `json:"queues"`
		Capacity map[string]int `json:"capacity,omitempty"`
	}
	doc := struct {
		Version  int              `json:"version"`
		Name     string           `json:"name"`
		Users    []user           `json:"users"`
		Queues   []map[string]any `json:"queues"`
		Workbins []map[string]any `json:"workbins"`
	}{
		Version:  1,
		Name:     fmt.Sprintf("bench-%d", n),
		Queues:   []map[string]any{{"id": "7d0f6a52-2b1e-4c55-9a43-0b9a0c2b1e01", "name": "email-inbound", "channel": "email"}},
		Workbins: []map[string]any{},
	}
	for i, a := range Agents(n) {
		u := user{
			ID: fmt.Sprintf("%032x", i+1), UserName: a.UserName, Password: a.Password,
			First: "Agent", Last: fmt.Sprint(i + 1), Roles: []string{"agent"},
			Channels: []string{"email"}, Queues: []string{"email-inbound"},
		}
		if capacity > 0 {
			u.Capacity = map[string]int{"email": capacity}
		}
		doc.Users = append(doc.Users, u)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

// Agents returns the logins of Fixture's first n agents.
func Agents(n int) []loadgen.Agent {
	a, err := loadgen.PatternAgents(AgentPattern, PasswordPattern, 1, n)
	if err != nil {
		panic(err)
	}
	return a
}

// The logins of Fixture's agents.
const (
	AgentPattern    = "agent%05d"
	PasswordPattern = "pw%05d"
)
