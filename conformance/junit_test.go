package conformance

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

// outcomes are scenarios as a run records them: one of each outcome.
func outcomes() []*scenarioOutcome {
	diff := "Scenario: Alice reads her user record (me.feature)\nStep: the response matches:\nthe response does not match: 1 mismatch:\n  user.roles[0]: expected \"agent\", got \"admin\"\n\n--- expected\n+++ actual\n@@ -1,3 +1,3 @@\n-  \"agent\"\n+  \"admin\"\n"
	return []*scenarioOutcome{
		{Feature: "Me", URI: "me.feature", Keyword: "Scenario", Name: "Alice reads her user record", Line: 2, Status: failed, Duration: time.Second,
			Steps: []stepOutcome{
				{Keyword: "When ", Text: "alice sends GET /api/v2/me", Line: 3, Status: passed},
				{Keyword: "Then ", Text: "the response matches:", Line: 4, Status: failed, Err: diff, Doc: `{"user": {"roles": ["agent"]}}`},
				{Keyword: "And ", Text: "the response status is 200", Line: 8, Status: skipped},
			}},
		{Feature: "Me", URI: "me.feature", Keyword: "Scenario", Name: "A <b>bold</b> & plain one", Line: 10, Status: passed,
			Steps: []stepOutcome{{Keyword: "When ", Text: "anonymous sends GET /api/v2/me", Line: 11, Status: passed}}},
		{Feature: "Auth", URI: "auth.feature", Keyword: "Scenario", Name: "A typo", Line: 5, Status: undefined,
			Steps: []stepOutcome{
				{Keyword: "When ", Text: "alice sends GETT /api/v2/me", Line: 6, Status: undefined, Hint: `did you mean "ACTOR sends METHOD PATH"?`},
				{Keyword: "Then ", Text: "the response status is 200", Line: 7, Status: skipped},
			}},
		{Feature: "Auth", URI: "auth.feature", Keyword: "Scenario", Name: "Cut short", Line: 9, Status: skipped,
			Steps: []stepOutcome{{Keyword: "When ", Text: "alice sends GET /api/v2/me", Line: 10}}},
	}
}

func TestJUnit(t *testing.T) {
	var b bytes.Buffer
	(&junit{out: &b}).summary(outcomes(), 3*time.Second)
	var doc junitSuites
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b.String())
	}
	if doc.Tests != 4 || doc.Failures != 2 || doc.Skipped != 1 || len(doc.Suites) != 2 {
		t.Errorf("tests %d, failures %d, skipped %d, suites %d; want 4, 2, 1, 2", doc.Tests, doc.Failures, doc.Skipped, len(doc.Suites))
	}
	cases := map[string]junitCase{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases[c.Name] = c
		}
	}
	tests := []struct {
		name, classname, failureType string
		body                         []string // parts of the failure's body
		skipped                      bool
	}{
		{name: "Alice reads her user record", classname: "Me", failureType: "failed", body: []string{
			"failed step at me.feature:4: Then the response matches:", `user.roles[0]: expected "agent", got "admin"`, "--- expected\n+++ actual\n", `-  "agent"`, `+  "admin"`,
		}},
		{name: "A <b>bold</b> & plain one", classname: "Me"},
		{name: "A typo", classname: "Auth", failureType: "undefined", body: []string{"undefined step at auth.feature:6: When alice sends GETT /api/v2/me", "did you mean"}},
		{name: "Cut short", classname: "Auth", skipped: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := cases[tt.name]
			if !ok {
				t.Fatalf("no testcase named %q in\n%s", tt.name, b.String())
			}
			if c.Classname != tt.classname {
				t.Errorf("classname %q, want %q", c.Classname, tt.classname)
			}
			if (c.Skipped != nil) != tt.skipped {
				t.Errorf("skipped: %v, want %v", c.Skipped != nil, tt.skipped)
			}
			if tt.failureType == "" {
				if c.Failure != nil {
					t.Errorf("a failure: %+v", c.Failure)
				}
				return
			}
			if c.Failure == nil || c.Failure.Type != tt.failureType {
				t.Fatalf("failure %+v, want type %s", c.Failure, tt.failureType)
			}
			if strings.Contains(c.Failure.Message, "\n") || c.Failure.Message == "" {
				t.Errorf("message %q: want one line", c.Failure.Message)
			}
			for _, want := range tt.body {
				if !strings.Contains(c.Failure.Body, want) {
					t.Errorf("the failure's body lacks %q:\n%s", want, c.Failure.Body)
				}
			}
		})
	}
	if !strings.Contains(b.String(), "<skipped") {
		t.Errorf("no <skipped/> element:\n%s", b.String())
	}
}

func TestHTMLReport(t *testing.T) {
	var b bytes.Buffer
	(&htmlReport{out: &b}).summary(outcomes(), 3*time.Second)
	page := b.String()
	for _, want := range []string{
		"<!doctype html>", "4 scenarios (1 passed, 1 failed, 1 undefined, 1 skipped)",
		"Feature: Me", "Feature: Auth",
		"Alice reads her user record", "A &lt;b&gt;bold&lt;/b&gt; &amp; plain one",
		"alice sends GET /api/v2/me", "me.feature:4",
		`<span class="add">&#43;  &#34;admin&#34;</span>`, `<span class="del">-  &#34;agent&#34;</span>`,
		`did you mean &#34;ACTOR sends METHOD PATH&#34;?`,
		`<details class="failed" open>`, `<details class="passed">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, banned := range []string{"<b>bold", "<script", "<link", "src=", "http://", "https://", "@import", "url("} {
		if strings.Contains(page, banned) {
			t.Errorf("the page has %q: it must be self-contained and escaped", banned)
		}
	}
}
