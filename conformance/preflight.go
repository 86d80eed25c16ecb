package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	messages "github.com/cucumber/messages/go/v21"

	"github.com/gwsmock/gwsmock/conformance/steps"
)

// needs is what the selected scenarios need of a target, beyond the API.
type needs struct {
	users   []string // the scenario users they name, sorted
	control bool     // the test-control API
}

// needsOf reads the selected scenarios: a user is needed when a step, its
// docstring or its table names it; the control API when a scenario is
// tagged @mock or a step's actor is control.
func needsOf(files []featureFile, match func([]string) bool, users map[string]steps.User) needs {
	var n needs
	named := map[string]bool{}
	words := userWords(users)
	for _, f := range files {
		for _, p := range f.pickles {
			tags := pickleTags(p)
			if !match(tags) {
				continue
			}
			if isMock(tags) {
				n.control = true
			}
			for _, st := range p.Steps {
				if strings.HasPrefix(st.Text, "control ") {
					n.control = true
				}
			}
			for _, name := range namedUsers(p, words) {
				named[name] = true
			}
		}
	}
	for name := range named {
		n.users = append(n.users, name)
	}
	slices.Sort(n.users)
	return n
}

// userWords are the patterns that find the scenario users in a step's
// text, by user.
func userWords(users map[string]steps.User) map[string]*regexp.Regexp {
	words := map[string]*regexp.Regexp{}
	for name := range users {
		words[name] = regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`)
	}
	return words
}

// namedUsers are the scenario users a scenario's steps, docstrings or
// tables name, sorted.
func namedUsers(p *messages.Pickle, words map[string]*regexp.Regexp) []string {
	var out []string
	for name, re := range words {
		if slices.ContainsFunc(p.Steps, func(st *messages.PickleStep) bool { return re.MatchString(stepText(st)) }) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// stepText is a step's text with its docstring and table.
func stepText(st *messages.PickleStep) string {
	text := st.Text
	if a := st.Argument; a != nil {
		if a.DocString != nil {
			text += "\n" + a.DocString.Content
		}
		if a.DataTable != nil {
			for _, row := range a.DataTable.Rows {
				for _, c := range row.Cells {
					text += "\n" + c.Value
				}
			}
		}
	}
	return text
}

// preflight checks, before any scenario, that each target can be used:
// it answers as a GWS API, every user the scenarios name logs in, and the
// control API (or the driver, when the run has one of its own) answers when
// they need it. It learns the user ids the
// mapping leaves out from the first target. Its error is a *UsageError
// for a mistake in the options (a wrong URL, password or token); any
// other error says why the target cannot be used.
func preflight(ctx context.Context, hc *http.Client, o Options, n needs, driver steps.Driver) error {
	for i, target := range o.Targets {
		if err := checkAPI(ctx, hc, target); err != nil {
			return err
		}
		if n.control && driver != nil {
			flag := "--driver " + o.Driver
			if o.DriverCmd != "" {
				flag = fmt.Sprintf("--driver-cmd %q", o.DriverCmd)
			}
			if err := checkDriver(ctx, driver, target, flag); err != nil {
				return err
			}
		} else if n.control {
			if err := checkControl(ctx, hc, target, o.ControlToken); err != nil {
				return err
			}
		}
		for _, name := range n.users {
			if err := checkLogin(ctx, hc, target, name, o, i == 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// answer is what a target answered to one preflight request.
type answer struct {
	status int
	ctype  string // the media type, without parameters
	body   []byte
	line   string // "GET /api/v2/me answered 404 Not Found (text/html)"
}

func get(ctx context.Context, hc *http.Client, target, path string, auth func(*http.Request)) (answer, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target+path, nil)
	if err != nil {
		return answer{}, usage("target %s: %v", target, err)
	}
	if auth != nil {
		auth(req)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("target %s is not reachable: %w", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	a := answer{status: resp.StatusCode, body: body}
	a.ctype, _, _ = mime.ParseMediaType(resp.Header.Get("Content-Type"))
	a.line = fmt.Sprintf("GET %s answered %s", path, resp.Status)
	if a.ctype != "" {
		a.line += " (" + a.ctype + ")"
	}
	return a, nil
}

// checkAPI asks for /api/v2/me without credentials: a GWS API answers 401
// (or 403, or 200 when it needs none), in JSON; a static file server or
// another application answers 404, or HTML.
func checkAPI(ctx context.Context, hc *http.Client, target string) error {
	a, err := get(ctx, hc, target, "/api/v2/me", nil)
	if err != nil {
		return err
	}
	switch {
	case a.status >= 500:
		return fmt.Errorf("target %s cannot be used: %s", target, a.line)
	case a.ctype == "text/html" || (a.status != 401 && a.status != 403 && a.status != 200):
		return usage("target %s is not a GWS API: %s; --target is the base URL of a GWS API v2 server, e.g. http://host:port", target, a.line)
	}
	return nil
}

// checkLogin logs in as the scenario user name and learns its id when the
// mapping has none (learn: on the first target). 401 is a wrong user name
// or password; 403 a user who logged in but may not read /api/v2/me.
func checkLogin(ctx context.Context, hc *http.Client, target, name string, o Options, learn bool) error {
	m, defaultMapping := o.Mapping, o.defaultMapping
	u := m.Users[name]
	a, err := get(ctx, hc, target, "/api/v2/me", func(r *http.Request) { r.SetBasicAuth(u.UserName, u.Password) })
	if err != nil {
		return err
	}
	switch {
	case a.status == 401 && defaultMapping:
		return usage("the scenarios' user %s cannot log in to %s as %q (%s): the target has its own users; map them with --target-file (see --print-target-file)", name, target, u.UserName, a.line)
	case a.status == 401:
		return usage("the scenarios' user %s cannot log in to %s as %q (%s): check users.%s in --target-file", name, target, u.UserName, a.line, name)
	case a.status == 403:
		return nil // logged in, but not an agent (a supervisor): no id to learn
	case a.status != 200:
		return fmt.Errorf("target %s cannot be used: as %s (%q), %s", target, name, u.UserName, a.line)
	}
	var body struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if json.Unmarshal(a.body, &body) != nil || body.User.ID == "" {
		if u.ID == "" && learn {
			fmt.Fprintf(o.Log, "conformance: GET /api/v2/me as %s (%q) has no user.id, so {{%s.id}} stays unbound\n", name, u.UserName, name)
		}
		return nil // the scenarios that read the user say what is wrong
	}
	switch {
	case u.ID == "" && learn:
		u.ID = body.User.ID
		m.Users[name] = u
	case u.ID != "" && u.ID != body.User.ID && !defaultMapping:
		return usage("users.%s.id in --target-file is %s, but %s says %q is %s", name, u.ID, target, u.UserName, body.User.ID)
	case u.ID != "" && u.ID != body.User.ID:
		return usage("the scenarios' user %s is %s at %s, not gwsmock's %s: the target has its own users; map them with --target-file (see --print-target-file)", name, body.User.ID, target, u.ID)
	}
	return nil
}

// checkControl asks for /control/v1/health, with the token when there is
// one.
func checkControl(ctx context.Context, hc *http.Client, target, token string) error {
	a, err := get(ctx, hc, target, "/control/v1/health", func(r *http.Request) {
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
	})
	if err != nil {
		return err
	}
	switch {
	case a.status == 200:
		return nil
	case a.status == 401 && token == "":
		return usage("the control API of %s wants a token (%s): give it with --control-token, or leave out the @mock scenarios with --driver-only", target, a.line)
	case a.status == 401 || a.status == 403:
		return usage("the control API of %s refused --control-token (%s)", target, a.line)
	case a.status == 404 || a.ctype == "text/html":
		return usage("%s has no control API (%s): the @mock scenarios and the driver scenarios need it; give the driver with --driver or --driver-cmd, and leave out the @mock scenarios with --driver-only", target, a.line)
	}
	return fmt.Errorf("the control API of %s cannot be used: %s", target, a.line)
}

// apiPath matches a target URL that names a path of the API rather than
// the server's base URL.
var apiPath = regexp.MustCompile(`/(api/v2|control/v1)(/.*)?$`)

// checkBaseURL refuses a target that ends in /api/v2 or /control/v1,
// saying which base URL to try.
func checkBaseURL(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return usage("target %q: want an http:// or https:// base URL, e.g. http://127.0.0.1:8090", target)
	}
	if m := apiPath.FindStringSubmatchIndex(u.Path); m != nil {
		base := *u
		base.Path, base.RawQuery, base.Fragment = u.Path[:m[0]], "", ""
		return usage("--target is the server's base URL, without /%s: try %s", u.Path[m[2]:m[3]], base.String())
	}
	return nil
}
