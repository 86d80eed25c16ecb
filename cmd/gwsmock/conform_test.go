package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/conformance"
)

// TestConformAgainstServe is the suite's run against the built binary: two
// `gwsmock serve` processes, and `gwsmock conform` on both, must pass.
func TestConformAgainstServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the whole suite")
	}
	bin := buildBinary(t)
	a, b := startServe(t, bin), startServe(t, bin)
	junit, html := filepath.Join(t.TempDir(), "conformance.xml"), filepath.Join(t.TempDir(), "conformance.html")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "conform", "--target", a, "--target", b,
		"--quiet-wait", "100ms", "--format", "progress", "--format", "junit:"+junit, "--format", "html:"+html)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		t.Fatalf("gwsmock conform: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "scenarios (") || strings.Contains(stdout.String(), "failed") {
		t.Errorf("unexpected summary:\n%s", stdout.String())
	}
	report, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(report, []byte(`failures="0"`)) || !bytes.Contains(report, []byte(`<testcase classname="Authentication and roles"`)) {
		t.Errorf("the JUnit report has failures, or no classname:\n%.2000s", report)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte(`<div class="totals">`)) || bytes.Contains(page, []byte(`<details class="failed"`)) {
		t.Errorf("the HTML report has failures:\n%.2000s", page)
	}
}

// TestConformPreflightAgainstServe runs the built binary against `gwsmock
// serve --control-token`: each mistake stops the run before any scenario,
// with one line that says what to do.
func TestConformPreflightAgainstServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	url := startServe(t, bin, "--control-token", "s3cret")
	wrongPassword := writeFile(t, "target.json", `{"users": {"bob": {"userName": "bob", "password": "nope"}}}`)
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"the API's URL", []string{"--target", url + "/api/v2"}, 2, "conform: --target is the server's base URL, without /api/v2: try " + url + "\n"},
		{"no control token", []string{"--target", url}, 2, "give it with --control-token, or leave out the @mock scenarios with --driver-only\n"},
		{"a wrong control token", []string{"--target", url, "--control-token", "guess"}, 2, "refused --control-token"},
		{"a wrong password", []string{"--target", url, "--control-token", "s3cret", "--target-file", wrongPassword}, 2, "the scenarios' user bob cannot log in to " + url + ` as "bob"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, append([]string{"conform", "--format", "progress"}, tt.args...)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tt.status {
				t.Errorf("exit: %v, want status %d", err, tt.status)
			}
			if !strings.Contains(stderr.String(), tt.stderr) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr should be one line containing %q:\n%s", tt.stderr, stderr.String())
			}
			if stdout.Len() > 0 {
				t.Errorf("a scenario ran:\n%s", stdout.String())
			}
		})
	}
}

// writeFile writes a file of that name and content in a temporary
// directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runCLI runs the command in-process, as main does, and returns its exit
// status.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), args, &out, &errb)
	return status(err, &errb), out.String(), errb.String()
}

func TestConformExitStatus(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken", http.StatusInternalServerError)
	}))
	defer broken.Close()
	typo := writeFile(t, "target.json", `{"users": {"alcie": {"userName": "a", "password": "b"}}}`)
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"a misspelt user in the target file", []string{"conform", "--target", broken.URL, "--target-file", typo}, 2, "users.alcie: the scenarios have no user alcie (did you mean alice?)"},
		{"no target", []string{"conform"}, 2, "--target is required"},
		{"unknown flag", []string{"conform", "--nope"}, 2, "flag provided but not defined"},
		{"stray argument", []string{"conform", "--target", broken.URL, "extra"}, 2, "unexpected argument"},
		{"bad format", []string{"conform", "--target", broken.URL, "--format", "pdf"}, 2, "format"},
		{"too much concurrency", []string{"conform", "--target", broken.URL, "--concurrency", "3"}, 2, "concurrency"},
		{"missing target file", []string{"conform", "--target", broken.URL, "--target-file", "/nonexistent.json"}, 2, "--target-file"},
		{"missing features dir", []string{"conform", "--target", broken.URL, "--features", "/nonexistent"}, 2, "--features"},
		{"a malformed tag expression", []string{"conform", "--target", broken.URL, "--tags", "@a and"}, 2, "--tags: "},
		{"godog's malformed form", []string{"conform", "--target", broken.URL, "--tags", "@a &&"}, 2, "--tags: "},
		{"a tag no scenario has", []string{"conform", "--target", broken.URL, "--tags", "@atuh"}, 2, "did you mean @auth?"},
		{"an empty features directory", []string{"conform", "--target", broken.URL, "--features", t.TempDir()}, 2, "no .feature file"},
		{"a broken target", []string{"conform", "--target", broken.URL, "--tags", "@auth", "--without-control", "--format", "progress"}, 1, "cannot be used: GET /api/v2/me answered 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, stderr := runCLI(t, tt.args...)
			if status != tt.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tt.status, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
		})
	}
}

func TestConformFeaturesFromDisk(t *testing.T) {
	dir := t.TempDir()
	feature := "Feature: Tiny\n  Scenario: Unauthenticated\n    When anonymous sends GET /api/v2/me\n    Then the response status is 401\n"
	if err := os.WriteFile(filepath.Join(dir, "tiny.feature"), []byte(feature), 0o644); err != nil {
		t.Fatal(err)
	}
	unauthorized := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"statusCode":20,"statusMessage":"who?"}`))
	}))
	defer unauthorized.Close()
	status, stdout, stderr := runCLI(t, "conform", "--target", unauthorized.URL, "--features", dir, "--format", "progress")
	if status != 0 || !strings.Contains(stdout, "1 scenario (1 passed)") {
		t.Errorf("exit status %d\nstdout:\n%s\nstderr:\n%s", status, stdout, stderr)
	}
}

func TestConformPrintsTargetFile(t *testing.T) {
	status, stdout, _ := runCLI(t, "conform", "--print-target-file")
	var m struct {
		Users map[string]struct{ UserName, Password string }
	}
	if status != 0 || json.Unmarshal([]byte(stdout), &m) != nil || m.Users["alice"].UserName != "alice" {
		t.Errorf("exit status %d, output:\n%s", status, stdout)
	}
}

func TestStepsPrintsTheVocabulary(t *testing.T) {
	status, stdout, _ := runCLI(t, "steps")
	for _, want := range []string{"Generic steps", "Domain steps", "ACTOR sends METHOD PATH with:", "USER accepts it", "Means:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("gwsmock steps lacks %q", want)
		}
	}
	if status != 0 {
		t.Errorf("exit status %d", status)
	}
	if status, _, _ := runCLI(t, "steps", "extra"); status != 2 {
		t.Errorf("gwsmock steps extra: exit status %d, want 2", status)
	}
}

func TestConformDryRun(t *testing.T) {
	good := "Feature: Tiny\n  Scenario: Unauthenticated\n    When anonymous sends GET /api/v2/me\n    Then the response status is 401\n"
	dir := t.TempDir()
	for name, content := range map[string]string{
		"good.feature":     good,
		"sub/typo.feature": "Feature: Typo\n  Scenario: S\n    When alice sends GETT /api/v2/me\n    And alice sends GET /api/v2/users/{{user}}\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	broken := writeFile(t, "broken.feature", unclosedDocString)
	single := writeFile(t, "good.feature", good)
	other := writeFile(t, "extra.feature", strings.Replace(good, "Tiny", "Extra", 1))
	embedded := conformance.Check(nil, nil)
	tests := []struct {
		name   string
		args   []string
		status int
		stdout []string // lines or parts of lines, in order
		stderr string
	}{
		{"the embedded suite", nil, 0, []string{fmt.Sprintf("%d feature files, %d scenarios: no problem", embedded.Files, embedded.Scenarios)}, ""},
		{"one file", []string{"--features", single}, 0, []string{"1 feature file, 1 scenario: no problem"}, ""},
		{"two files", []string{"--features", single, "--features", other}, 0, []string{"2 feature files, 2 scenarios: no problem"}, ""},
		{"added to the embedded suite", []string{"--features", "+" + other}, 0, []string{fmt.Sprintf("%d feature files, %d scenarios: no problem", embedded.Files+1, embedded.Scenarios+1)}, ""},
		{"a file named like one of the embedded suite", []string{"--features", "+" + single, "--features", "+" + writeFile(t, "auth.feature", good)}, 2, nil, "are both named auth.feature in the suite: rename one"},
		{
			"a directory with problems", []string{"--features", dir}, 1,
			[]string{
				filepath.Join(dir, "sub", "typo.feature") + `:3: undefined step "alice sends GETT /api/v2/me": did you mean "ACTOR sends METHOD PATH"`,
				filepath.Join(dir, "sub", "typo.feature") + ":4: {{user}} is not bound here",
			},
			"conform: 2 problems in 2 feature files (2 scenarios)",
		},
		{"not Gherkin", []string{"--features", broken}, 1, []string{broken + `:6: the file ends too early: expected a docstring (""")`}, "1 problem"},
		{"no such path", []string{"--features", "/nonexistent"}, 2, nil, "conform: --features: /nonexistent: no such file or directory"},
		{"not a feature file", []string{"--features", writeFile(t, "notes.txt", good)}, 2, nil, "notes.txt: not a .feature file nor a directory"},
		{"a directory without feature files", []string{"--features", t.TempDir()}, 2, nil, ": no .feature file in this directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, stdout, stderr := runCLI(t, append([]string{"conform", "--dry-run"}, tt.args...)...)
			if status != tt.status {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", status, tt.status, stdout, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if len(tt.stdout) > 0 && len(lines) != len(tt.stdout) {
				t.Errorf("stdout has %d lines, want %d:\n%s", len(lines), len(tt.stdout), stdout)
			}
			for i, want := range tt.stdout {
				if i < len(lines) && !strings.Contains(lines[i], want) {
					t.Errorf("line %d = %q, want it to contain %q", i+1, lines[i], want)
				}
			}
			if !strings.Contains(stderr, tt.stderr) || strings.Count(stderr, "\n") > 1 {
				t.Errorf("stderr should be at most one line containing %q:\n%s", tt.stderr, stderr)
			}
		})
	}
}

// unclosedDocString is a feature file whose docstring does not end.
const unclosedDocString = "Feature: B\n  Scenario: S\n    When alice sends POST /api/v2/me with:\n      \"\"\"\n      {}\n"

func TestConformRefusesGherkinErrorsBeforeRunning(t *testing.T) {
	broken := writeFile(t, "broken.feature", unclosedDocString)
	status, stdout, stderr := runCLI(t, "conform", "--target", "http://127.0.0.1:1", "--features", broken)
	if want := "conform: " + broken + `:6: the file ends too early: expected a docstring (""")` + "\n"; status != 2 || stderr != want {
		t.Errorf("exit status %d, stderr:\n%s\nwant 2 and %q", status, stderr, want)
	}
	if stdout != "" {
		t.Errorf("stdout:\n%s", stdout)
	}
}
