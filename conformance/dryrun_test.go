package conformance_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gwsmock/gwsmock/conformance"
)

func TestCheckTheEmbeddedSuite(t *testing.T) {
	res := conformance.Check(nil, nil)
	if len(res.Problems) > 0 {
		t.Errorf("the embedded suite has problems:\n%s", strings.Join(res.Problems, "\n"))
	}
	if res.Files == 0 || res.Scenarios == 0 {
		t.Errorf("checked %d files, %d scenarios", res.Files, res.Scenarios)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		feature string
		want    []string // the problems, each a part of one line, in order
	}{
		{"a good scenario", "Feature: F\n  Scenario: S\n    When alice sends GET /api/v2/me\n    Then the response status is 200\n", nil},
		{
			"a misspelt keyword", "Feature: F\n  Scenario: S\n\n    Whn alice sends GET /api/v2/me\n",
			[]string{`f.feature:4: "Whn alice sends GET /api/v2/me" is not a step: did you mean When? (Gherkin reads the line as a description of the scenario)`, `f.feature:2: Scenario "S" has no step`},
		},
		{
			"not Gherkin", "Feature: F\n  Scenario: S\n    When alice sends GET /api/v2/me\n    Whn alice sends GET /api/v2/me\n",
			[]string{`f.feature:4: "Whn alice sends GET /api/v2/me" is not valid Gherkin here: expected a step (Given, When, Then, And, But)`},
		},
		{
			"no feature line", "Scenario: S\n",
			[]string{`f.feature:1: "Scenario: S" is not valid Gherkin here: expected `},
		},
		{
			"an undefined step", "Feature: F\n  Scenario: S\n    Given alice sends GETT /api/v2/me\n",
			[]string{`f.feature:3: undefined step "alice sends GETT /api/v2/me": did you mean "ACTOR sends METHOD PATH"`},
		},
		{
			"a missing docstring", "Feature: F\n  Scenario: S\n    When alice sends GET /api/v2/me\n    Then the response matches:\n",
			[]string{`f.feature:4: step "the response matches:" takes a docstring`},
		},
		{
			"an unbound variable", "Feature: F\n  Scenario: S\n    When alice sends GET /api/v2/interactions/{{it}}\n    And alice sends GET /api/v2/me/{{alcie.id}}\n",
			[]string{"f.feature:3: {{it}} is not bound here", "f.feature:4: {{alcie.id}} is not bound here; the closest variables: alice.id"},
		},
		{
			"a variable bound by an earlier step", "Feature: F\n  Scenario: S\n    When alice sends GET /api/v2/me\n    And the response field user.id is saved as me\n    And alice sends GET /api/v2/users/{{me}}\n",
			nil,
		},
		{
			"a variable bound by a capture", "Feature: F\n  Scenario: S\n    When alice sends GET /api/v2/me\n    Then the response matches:\n      \"\"\"\n      {\"user\": {\"id\": \"{{capture:me}}\"}}\n      \"\"\"\n    And alice sends GET /api/v2/users/{{me}}\n",
			nil,
		},
		{
			"a variable a domain step binds", "Feature: F\n  Scenario: S\n    Given an email is routed to alice\n    When alice sends GET /api/v2/interactions/{{it}}\n",
			nil,
		},
		{
			"a control request outside the driver contract", "Feature: F\n  Scenario: S\n    When control sends GET /control/v1/journal\n",
			[]string{"f.feature:3: GET /control/v1/journal is not in the driver contract: tag the scenario @mock"},
		},
		{
			"a control request outside the driver contract, in a @mock scenario", "Feature: F\n  @mock\n  Scenario: S\n    When control sends GET /control/v1/journal\n",
			nil,
		},
		{
			"control requests of the driver contract", "Feature: F\n  Scenario: S\n    Given an email arrives\n    When control sends POST /control/v1/interactions/{{it}}/stop\n    And control sends GET /control/v1/health\n",
			nil,
		},
		{
			"a variable bound in another scenario", "Feature: F\n  Scenario: S\n    When alice sends GET /api/v2/me\n    And the response field user.id is saved as me\n\n  Scenario: T\n    When alice sends GET /api/v2/users/{{me}}\n",
			[]string{"f.feature:7: {{me}} is not bound here"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := conformance.Check(fstest.MapFS{"f.feature": {Data: []byte(tt.feature)}}, nil)
			if len(res.Problems) != len(tt.want) {
				t.Fatalf("problems:\n%s\nwant %d: %q", strings.Join(res.Problems, "\n"), len(tt.want), tt.want)
			}
			for i, want := range tt.want {
				if !strings.Contains(res.Problems[i], want) || strings.Contains(res.Problems[i], "\n") {
					t.Errorf("problem %d = %q, want one line containing %q", i, res.Problems[i], want)
				}
			}
		})
	}
}
