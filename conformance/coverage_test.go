package conformance

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestEveryPromiseHasAScenario: every promise of the embedded docs that is
// server behaviour is claimed by a scenario of the embedded suite.
func TestEveryPromiseHasAScenario(t *testing.T) {
	c, err := BuildCoverage(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ids := c.Uncovered(); len(ids) > 0 {
		t.Errorf("%d promises have no scenario (tag the scenario that asserts each, docs/writing-scenarios.md): %s", len(ids), strings.Join(ids, ", "))
	}
}

// TestPromiseTagsNamePromises: every tag of the embedded suite that looks
// like a promise id names a promise, and no scenario claims a promise that
// is not server behaviour.
func TestPromiseTagsNamePromises(t *testing.T) {
	c, err := BuildCoverage(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Problems {
		t.Error(p)
	}
}

const (
	contractBehavior = `# Behaviour

## 0. Sources

- **B0.1** The seed page decides first: the published page.

## 1. Things

- **B1.1 Contact center.** One per server.
- **B1.2** Users have an id,
  a name and a password.
- **B1.3 ` + "`GET /me`" + `**: the user.
`
	contractBayeux = `# Bayeux

## The rules

1. **C1 Always a JSON array.** Every answer.
2. **C2 Echo the id.** Every reply.
`
)

func TestBuildCoverage(t *testing.T) {
	tests := []struct {
		name      string
		feature   string
		claims    map[string][]string // promise id -> "FILE: NAME" of its scenarios, "(@mock)" after a @mock one
		uncovered []string
		problems  []string // the start of each problem, after the file name
	}{
		{
			name: "a promise without a scenario",
			feature: `Feature: F
  @B1.1 @B1.2 @B1.3 @C1
  Scenario: S
    When alice sends GET /api/v2/me
`,
			claims:    map[string][]string{"B1.1": {"f.feature: S"}, "B1.2": {"f.feature: S"}, "B1.3": {"f.feature: S"}, "C1": {"f.feature: S"}},
			uncovered: []string{"C2"},
		},
		{
			name: "tags on the feature, a scenario, an outline and its examples",
			feature: `@C1
Feature: F
  @B1.1
  Scenario: Plain
    When alice sends GET /api/v2/me

  @B1.2
  Scenario Outline: Outline <n>
    When alice sends GET /api/v2/me

    @B1.3
    Examples: first
      | n |
      | 1 |

    @C2 @mock
    Examples: second
      | n |
      | 2 |
`,
			claims: map[string][]string{
				"B1.1": {"f.feature: Plain"},
				"B1.2": {"f.feature: Outline <n>"},
				"B1.3": {"f.feature: Outline <n>"},
				"C1":   {"f.feature: Plain", "f.feature: Outline <n>"},
				"C2":   {"f.feature: Outline <n> (@mock)"},
			},
		},
		{
			name: "a rule's tag and a @mock feature",
			feature: `@mock
Feature: F
  @B1.1 @B1.2 @B1.3 @C1 @C2
  Rule: R
    Scenario: S
      When alice sends GET /api/v2/me
`,
			claims: map[string][]string{"B1.1": {"f.feature: S (@mock)"}, "B1.2": {"f.feature: S (@mock)"}, "B1.3": {"f.feature: S (@mock)"}, "C1": {"f.feature: S (@mock)"}, "C2": {"f.feature: S (@mock)"}},
		},
		{
			name: "tags that name no promise, and a claim on one that is not server behaviour",
			feature: `@B1.4 @B1.1 @B1.2 @B1.3 @C1 @C2
Feature: F
  @C15 @B0.1 @c1 @Billing
  Scenario: S
    When alice sends GET /api/v2/me

  Scenario Outline: O
    When alice sends GET /api/v2/me

    @B11.1
    Examples:
      | n |
      | 1 |
`,
			claims: map[string][]string{"B0.1": {"f.feature: S"}, "B1.1": {"f.feature: S", "f.feature: O"}, "C1": {"f.feature: S", "f.feature: O"}},
			problems: []string{
				":1: @B1.4 looks like a promise id and names none",
				":3: @C15 looks like a promise id and names none",
				":3: @c1 looks like a promise id and names none",
				":10: @B11.1 looks like a promise id and names none",
				": B0.1 is not server behaviour",
			},
		},
	}
	contract := fstest.MapFS{
		"behavior.md": {Data: []byte(contractBehavior)},
		"bayeux.md":   {Data: []byte(contractBayeux)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := BuildCoverage(contract, fstest.MapFS{"f.feature": {Data: []byte(tt.feature)}})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range c.Rows {
				ids = append(ids, r.ID)
				var got []string
				for _, s := range r.Scenarios {
					got = append(got, s.String()+mockMark(s))
				}
				if want, ok := tt.claims[r.ID]; ok && !slices.Equal(got, want) {
					t.Errorf("%s claimed by %q, want %q", r.ID, got, want)
				}
			}
			if want := []string{"B0.1", "B1.1", "B1.2", "B1.3", "C1", "C2"}; !slices.Equal(ids, want) {
				t.Errorf("promises %q, want %q", ids, want)
			}
			if got := c.Uncovered(); !slices.Equal(got, tt.uncovered) {
				t.Errorf("uncovered %q, want %q", got, tt.uncovered)
			}
			if len(c.Problems) != len(tt.problems) {
				t.Fatalf("problems:\n%s\nwant %d", strings.Join(c.Problems, "\n"), len(tt.problems))
			}
			for i, p := range c.Problems {
				if !strings.HasPrefix(p, "f.feature"+tt.problems[i]) {
					t.Errorf("problem %q, want it to start with %q", p, "f.feature"+tt.problems[i])
				}
			}
		})
	}
}

func TestPromiseTitles(t *testing.T) {
	c, err := BuildCoverage(fstest.MapFS{
		"behavior.md": {Data: []byte(contractBehavior)},
		"bayeux.md":   {Data: []byte(contractBayeux)},
	}, fstest.MapFS{"f.feature": {Data: []byte("Feature: F\n  Scenario: S\n    When alice sends GET /api/v2/me\n")}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"B0.1": "The seed page decides first",
		"B1.1": "Contact center",
		"B1.2": "Users have an id, a name and a password",
		"B1.3": "GET /me",
		"C1":   "Always a JSON array",
		"C2":   "Echo the id",
	}
	for _, r := range c.Rows {
		if r.Title != want[r.ID] {
			t.Errorf("%s: title %q, want %q", r.ID, r.Title, want[r.ID])
		}
	}
}

// TestBuildCoverageRefusesDocsWithoutPromises: a document whose promises
// are no longer found (their form changed) is an error, not an empty
// matrix that passes.
func TestBuildCoverageRefusesDocsWithoutPromises(t *testing.T) {
	_, err := BuildCoverage(fstest.MapFS{
		"behavior.md": {Data: []byte(contractBehavior)},
		"bayeux.md":   {Data: []byte("# Bayeux\n\n1. **Always a JSON array.** Every answer.\n")},
	}, nil)
	if err == nil || !strings.Contains(err.Error(), "docs/bayeux.md: no promise found") {
		t.Errorf("err = %v", err)
	}
}

// TestNotBehaviourTestsExist: the Go test the matrix names for a promise
// that is not server behaviour exists in the package it names.
func TestNotBehaviourTestsExist(t *testing.T) {
	for id, nb := range notServerBehaviour {
		if nb.test == "" {
			continue
		}
		pkg, name, ok := strings.Cut(nb.test, ": ")
		if !ok {
			t.Errorf("%s: %q is not \"package: TestName\"", id, nb.test)
			continue
		}
		found := false
		files, _ := fs.Glob(os.DirFS(filepath.Join("..", pkg)), "*_test.go")
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join("..", pkg, f))
			if err != nil {
				t.Fatal(err)
			}
			found = found || strings.Contains(string(b), "\nfunc "+name+"(t *testing.T)")
		}
		if !found {
			t.Errorf("%s: %s names a test that %s does not have", id, nb.test, pkg)
		}
	}
}
