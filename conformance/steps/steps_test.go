package steps_test

import (
	"bytes"
	"io/fs"
	"sort"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/features"
)

// exampleText strips the Gherkin keyword of an example.
func exampleText(t *testing.T, d *steps.Def) string {
	t.Helper()
	kw, text, ok := strings.Cut(d.Example, " ")
	switch kw {
	case "Given", "When", "Then", "And", "But":
	default:
		ok = false
	}
	if !ok {
		t.Fatalf("step %s: example %q does not start with a keyword", d.Pattern, d.Example)
	}
	return text
}

func TestEveryExampleMatchesItsStepOnly(t *testing.T) {
	for _, d := range steps.Library {
		text := exampleText(t, d)
		found := steps.Find(text)
		if len(found) != 1 || found[0] != d {
			var pats []string
			for _, f := range found {
				pats = append(pats, f.Pattern)
			}
			t.Errorf("example %q of %s matches %d steps: %s", text, d.Pattern, len(found), strings.Join(pats, " | "))
		}
		if d.DocString != (d.ExampleDoc != "") {
			t.Errorf("step %s: takes a docstring: %v, but its example has one: %v", d.Pattern, d.DocString, d.ExampleDoc != "")
		}
		if d.Doc == "" {
			t.Errorf("step %s has no documentation", d.Pattern)
		}
	}
}

func TestDomainStepsExpandIntoGenericSteps(t *testing.T) {
	for _, d := range steps.Library {
		if d.Generic() {
			continue
		}
		calls, err := d.Expand(exampleText(t, d), d.ExampleDoc)
		if err != nil {
			t.Errorf("%s: %v", d.Pattern, err)
			continue
		}
		if len(calls) == 0 {
			t.Errorf("%s expands into nothing", d.Pattern)
		}
		for _, c := range calls {
			found := steps.Find(c.Text)
			if len(found) != 1 || !found[0].Generic() {
				t.Errorf("%s: %q matches %d steps, want exactly one generic step", d.Pattern, c.Text, len(found))
				continue
			}
			if found[0].DocString != (c.Doc != "") {
				t.Errorf("%s: %q: docstring given %v, the step takes one %v", d.Pattern, c.Text, c.Doc != "", found[0].DocString)
			}
		}
	}
}

// featureSteps returns every step of the embedded features, outlines
// expanded, as "file: text".
func featureSteps(t *testing.T) map[string][]*messages.PickleStep {
	t.Helper()
	out := map[string][]*messages.PickleStep{}
	err := fs.WalkDir(features.FS, ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".feature") {
			return err
		}
		b, err := fs.ReadFile(features.FS, path)
		if err != nil {
			return err
		}
		ids := (&messages.Incrementing{}).NewId
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(b), ids)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		for _, p := range gherkin.Pickles(*doc, path, ids) {
			out[path] = append(out[path], p.Steps...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no features")
	}
	return out
}

func TestEveryFeatureStepIsDefinedOnce(t *testing.T) {
	used := map[*steps.Def]bool{}
	for path, ss := range featureSteps(t) {
		for _, st := range ss {
			found := steps.Find(st.Text)
			if len(found) != 1 {
				t.Errorf("%s: step %q matches %d definitions", path, st.Text, len(found))
				continue
			}
			d := found[0]
			used[d] = true
			doc := ""
			if st.Argument != nil && st.Argument.DocString != nil {
				doc = st.Argument.DocString.Content
			}
			if d.DocString != (doc != "") {
				t.Errorf("%s: step %q: docstring given %v, the step takes one %v", path, st.Text, doc != "", d.DocString)
			}
			calls, err := d.Expand(st.Text, doc)
			if err != nil {
				t.Errorf("%s: step %q: %v", path, st.Text, err)
			}
			for _, c := range calls {
				if g := steps.Find(c.Text); len(g) == 1 {
					used[g[0]] = true
				}
			}
		}
	}
	var unused []string
	for _, d := range steps.Library {
		if !used[d] {
			unused = append(unused, d.Form())
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("steps no feature uses (directly or through a domain step): %s", strings.Join(unused, "; "))
	}
}

func TestCatalogListsEveryStep(t *testing.T) {
	var b bytes.Buffer
	if err := steps.WriteCatalog(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, d := range steps.Library {
		for _, want := range []string{d.Form(), d.Pattern, d.Example} {
			if !strings.Contains(out, want) {
				t.Errorf("the catalog lacks %q", want)
			}
		}
	}
}

func TestForm(t *testing.T) {
	tests := []struct{ name, pattern, want string }{
		{"named groups", `^(?P<user>\w+) accepts it$`, "USER accepts it"},
		{"optional part", `^(?P<user>\w+) sees it(?: with capabilities (?P<capabilities>.+))?$`, "USER sees it[ with capabilities CAPABILITIES]"},
		{"alternatives", `^(?P<user>\w+) becomes (Ready|NotReady)$`, "USER becomes Ready|NotReady"},
		{"optional letter", `^an? (email|chat) arrives$`, "a[n] email|chat arrives"},
		{"optional space", `^within (?P<n>\d+) ?(?P<unit>ms|s)$`, "within N UNIT"},
		{"unnamed class", `^the response has (\d+) things$`, "the response has ... things"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &steps.Def{Pattern: tt.pattern}
			if got := d.Form(); got != tt.want {
				t.Errorf("Form(%s) = %q, want %q", tt.pattern, got, tt.want)
			}
		})
	}
}
