package main

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestExitStatusPrintsNoStrayLine(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		stderr string
	}{
		{"success", nil, 0, ""},
		{"help", flag.ErrHelp, 0, ""},
		{"explained already", exitCode(2), 2, ""},
		{"a failed suite", exitCode(1), 1, ""},
		{"any other error", errors.New("serve: listen: address in use"), 1, "gwsmock: serve: listen: address in use\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if got := status(tt.err, &stderr); got != tt.status {
				t.Errorf("status = %d, want %d", got, tt.status)
			}
			if stderr.String() != tt.stderr {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.stderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version", "-version", "-v"} {
		status, stdout, stderr := runCLI(t, arg)
		if status != 0 || stdout != "gwsmock "+version+"\n" || stderr != "" {
			t.Errorf("gwsmock %s: status %d, stdout %q, stderr %q", arg, status, stdout, stderr)
		}
	}
}

// TestUsageMistakesExit2 holds every subcommand to one rule: a mistake in
// how it is called exits 2 with one line that names the subcommand and
// says what to do.
func TestUsageMistakesExit2(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `gwsmock: unknown command "nope"; "gwsmock help" lists the commands`},
		{[]string{"serve", "--nope"}, `serve: flag provided but not defined: -nope; "gwsmock serve --help" lists the flags`},
		{[]string{"serve", "extra"}, `serve: unexpected argument "extra"`},
		{[]string{"serve", "--addr"}, "serve: flag needs an argument: -addr"},
		{[]string{"serve", "--log-level", "loud"}, `serve: --log-level "loud": use debug, info, warn or error`},
		{[]string{"serve", "--log-format", "xml"}, `serve: --log-format "xml": use text or json`},
		{[]string{"serve", "--journal-size", "0"}, "serve: --journal-size and --journal-bytes must be positive"},
		{[]string{"serve", "--max-sessions-per-user", "0"}, "serve: --max-sessions-per-user 0 would refuse every CometD handshake"},
		{[]string{"serve", "--fixture", "/nonexistent.json"}, "serve: --fixture: open /nonexistent.json: no such file or directory"},
		{[]string{"serve", "--invite-timeout", "soon"}, `serve: invalid value "soon" for flag -invite-timeout`},
		{[]string{"serve", "--simulate-rate", "voice=1/m"}, `serve: --simulate-rate: rates: unknown channel "voice": use email, chat or workitem`},
		{[]string{"serve", "--simulate-rate", "chat=often"}, `serve: --simulate-rate: rates: "chat=often": "often" is not a number`},
		{[]string{"load", "--nope"}, `load: flag provided but not defined: -nope; "gwsmock load --help" lists the flags`},
		{[]string{"load"}, "load: --target is required"},
		{[]string{"load", "--target", "http://127.0.0.1:1", "extra"}, `load: unexpected argument "extra"`},
		{[]string{"load", "--target", "http://127.0.0.1:1", "--transport", "smoke"}, `load: --transport "smoke": use long-polling or websocket`},
		{[]string{"load", "--target", "http://127.0.0.1:1", "--channel", "fax"}, `load: --channel "fax": use email, chat or workitem`},
		{[]string{"conform", "--nope"}, `conform: flag provided but not defined: -nope; "gwsmock conform --help" lists the flags`},
		{[]string{"conform"}, "conform: --target is required"},
		{[]string{"conform", "--target", "http://127.0.0.1:1", "extra"}, `conform: unexpected argument "extra"`},
		{[]string{"conform", "--target", "http://127.0.0.1:1", "--format", "pdf"}, `conform: format "pdf": use one of`},
		{[]string{"steps", "--nope"}, `steps: flag provided but not defined: -nope; "gwsmock steps --help" lists the flags`},
		{[]string{"steps", "extra"}, `steps: unexpected argument "extra"`},
		{[]string{"coverage", "--nope"}, `coverage: flag provided but not defined: -nope; "gwsmock coverage --help" lists the flags`},
		{[]string{"coverage", "extra"}, `coverage: unexpected argument "extra"`},
		{[]string{"coverage", "--format", "pdf"}, `coverage: --format "pdf": text or markdown`},
		{[]string{"coverage", "--features", "/nonexistent"}, `coverage: --features: /nonexistent: no such file or directory`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			status, stdout, stderr := runCLI(t, tt.args...)
			if status != 2 {
				t.Errorf("exit status %d, want 2", status)
			}
			if !strings.HasPrefix(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr = %q, want one line starting %q", stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q", stdout)
			}
		})
	}
}

func TestHelpExits0(t *testing.T) {
	for _, cmd := range []string{"serve", "load", "conform", "steps", "coverage"} {
		status, _, stderr := runCLI(t, cmd, "--help")
		if status != 0 || !strings.HasPrefix(stderr, "Usage: gwsmock "+cmd) || !strings.Contains(stderr, "Flags:") && cmd != "steps" {
			t.Errorf("gwsmock %s --help: status %d, stderr:\n%s", cmd, status, stderr)
		}
	}
}
