package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"

	"github.com/gwsmock/gwsmock/conformance/steps"
)

// httpDriver carries the driver contract over HTTP to a base URL of its
// own (--driver URL): the action's path is appended as it is.
type httpDriver struct {
	base   string // scheme://host[:port][/prefix], no trailing slash
	token  string // the control token, sent as a bearer token when set
	client *http.Client
}

// Do implements steps.Driver.
func (d *httpDriver) Do(ctx context.Context, a steps.DriverAction) (steps.DriverAnswer, error) {
	var body io.Reader
	if a.Body != nil {
		body = bytes.NewReader(a.Body)
	}
	req, err := http.NewRequestWithContext(ctx, a.Method, d.base+a.Path, body)
	if err != nil {
		return steps.DriverAnswer{}, err
	}
	if a.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if d.token != "" {
		req.Header.Set("Authorization", "Bearer "+d.token)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return steps.DriverAnswer{}, fmt.Errorf("the driver at %s: %w", d.base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return steps.DriverAnswer{}, fmt.Errorf("the driver at %s: reading the answer: %w", d.base, err)
	}
	return steps.DriverAnswer{Status: resp.StatusCode, Body: b}, nil
}

// cmdDriver carries the driver contract through a command (--driver-cmd):
// for each action it runs `sh -c CMD` with one JSON action on stdin,
//
//	{"method":"POST","path":"/control/v1/interactions","body":{...}}
//
// (body left out when there is none; the document is one line, keys in
// that order) and reads one JSON answer on stdout,
//
//	{"status":201,"body":{...}}
//
// The command finds the target's base URL in the environment variable
// GWSMOCK_TARGET and the control token, if any, in GWSMOCK_CONTROL_TOKEN.
type cmdDriver struct {
	cmd   string
	token string
}

// cmdAction is the action a driver command reads.
type cmdAction struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Body   json.RawMessage `json:"body,omitempty"`
}

// cmdAnswer is the answer a driver command writes.
type cmdAnswer struct {
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

// Do implements steps.Driver.
func (d *cmdDriver) Do(ctx context.Context, a steps.DriverAction) (steps.DriverAnswer, error) {
	if a.Body != nil && !json.Valid(a.Body) {
		return steps.DriverAnswer{}, fmt.Errorf("--driver-cmd %q: the body of %s %s is not JSON, which a driver command cannot be given", d.cmd, a.Method, a.Path)
	}
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cmdAction{Method: a.Method, Path: a.Path, Body: a.Body}); err != nil {
		return steps.DriverAnswer{}, err
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", d.cmd)
	cmd.Stdin = &in
	cmd.Env = append(os.Environ(), "GWSMOCK_TARGET="+a.Target)
	if d.token != "" {
		cmd.Env = append(cmd.Env, "GWSMOCK_CONTROL_TOKEN="+d.token)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	what := func(format string, args ...any) error {
		msg := fmt.Sprintf("--driver-cmd %q, for %s %s: %s", d.cmd, a.Method, a.Path, fmt.Sprintf(format, args...))
		if s := strings.TrimSpace(stderr.String()); s != "" {
			msg += "; its stderr: " + clipBytes(s, 500)
		}
		return errors.New(msg)
	}
	if err != nil {
		return steps.DriverAnswer{}, what("%v", err)
	}
	var ans cmdAnswer
	dec := json.NewDecoder(&stdout)
	if err := dec.Decode(&ans); err != nil {
		return steps.DriverAnswer{}, what("its stdout is not one JSON answer {\"status\":N,\"body\":...}: %v", err)
	}
	if ans.Status < 100 || ans.Status > 599 {
		return steps.DriverAnswer{}, what("its answer has no HTTP status (\"status\": %d)", ans.Status)
	}
	var body []byte
	if len(ans.Body) > 0 && string(ans.Body) != "null" {
		body = ans.Body
	}
	return steps.DriverAnswer{Status: ans.Status, Body: body}, nil
}

// clipBytes keeps the first n bytes of s.
func clipBytes(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// newDriver returns the driver of o: nil for the target's own
// /control/v1, else the one --driver or --driver-cmd names.
func newDriver(o Options, tr http.RoundTripper) steps.Driver {
	switch {
	case o.DriverCmd != "":
		return &cmdDriver{cmd: o.DriverCmd, token: o.ControlToken}
	case o.Driver != "":
		return &httpDriver{base: o.Driver, token: o.ControlToken, client: &http.Client{Transport: tr}}
	}
	return nil
}

// checkDriver asks the driver for GET /control/v1/health, before any
// scenario, so that a driver that cannot be used stops the run at once.
func checkDriver(ctx context.Context, d steps.Driver, target, flag string) error {
	ans, err := d.Do(ctx, steps.DriverAction{Target: target, Method: http.MethodGet, Path: "/control/v1/health"})
	switch {
	case err != nil:
		return usage("%s cannot be used: %v", flag, err)
	case ans.Status != http.StatusOK:
		return usage("%s cannot be used: GET /control/v1/health answered %d: %s", flag, ans.Status, clipBytes(string(ans.Body), 500))
	}
	return nil
}
