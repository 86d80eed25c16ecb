package conformance

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"

	messages "github.com/cucumber/messages/go/v21"

	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/features"
	"github.com/gwsmock/gwsmock/internal/jsonmatch"
	"github.com/gwsmock/gwsmock/internal/suggest"
)

// CheckResult is what Check found.
type CheckResult struct {
	// Files and Scenarios count what was checked.
	Files, Scenarios int
	// Problems are one line each, "FILE:LINE: what is wrong", in file
	// order.
	Problems []string
}

// Check reads the feature files of fsys without a target (nil: the
// embedded suite): that each is Gherkin, that every step is one step of
// the vocabulary (a domain step also expands into generic ones), and that
// every {{variable}} is bound where a step uses it, by the mapping m (nil:
// the default mapping) or by an earlier step of its scenario.
func Check(fsys fs.FS, m *Mapping) CheckResult {
	if fsys == nil {
		fsys = features.FS
	}
	if m == nil {
		d := DefaultMapping()
		m = &d
	}
	var res CheckResult
	var files []featureFile
	newID := (&messages.Incrementing{}).NewId
	err := walkFeatures(fsys, func(p string) error {
		res.Files++
		f, err := parseFeature(fsys, p, newID)
		var fe *FeatureError
		switch {
		case errors.As(err, &fe):
			res.Problems = append(res.Problems, fe.Problems...)
			return nil
		case err != nil:
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		res.Problems = append(res.Problems, err.Error())
	}
	if res.Files == 0 && err == nil {
		res.Problems = append(res.Problems, "no .feature file to check")
	}
	shapes := shapesOf(files)
	seen := map[string]bool{}
	for _, f := range files {
		res.Problems = append(res.Problems, stepless(Origin(fsys, f.uri), f)...)
		for _, p := range f.pickles {
			res.Scenarios++
			c := checker{file: Origin(fsys, f.uri), bound: initialVars(m), mock: isMock(pickleTags(p))}
			for _, st := range shapes[p.Id].steps {
				for _, problem := range c.step(st) {
					if !seen[problem] {
						seen[problem] = true
						res.Problems = append(res.Problems, problem)
					}
				}
			}
		}
	}
	return res
}

// stepless finds the scenarios without a step, and the lines Gherkin read
// as a description of a scenario or background that look like a step
// with a misspelt keyword ("Whn alice ...").
func stepless(file string, f featureFile) []string {
	if f.doc.Feature == nil {
		return nil
	}
	var problems []string
	keywords := []string{"Given", "When", "Then", "And", "But"}
	check := func(keyword, name, description string, line int64, nSteps int) {
		for _, text := range strings.Split(description, "\n") {
			text = strings.TrimSpace(text)
			first, _, _ := strings.Cut(text, " ")
			near := suggest.Likely(first, keywords, 1)
			if len(near) == 0 || first == near[0] {
				continue
			}
			at := line
			for i := int(line); i < len(f.lines); i++ {
				if strings.TrimSpace(f.lines[i]) == text {
					at = int64(i + 1)
					break
				}
			}
			problems = append(problems, fmt.Sprintf("%s: %q is not a step: did you mean %s? (Gherkin reads the line as a description of the %s)", location(file, at), text, near[0], strings.ToLower(strings.TrimSpace(keyword))))
		}
		if nSteps == 0 && keyword != "Background" {
			problems = append(problems, fmt.Sprintf("%s: %s %q has no step", location(file, line), strings.TrimSpace(keyword), name))
		}
	}
	var (
		scenarios   []*messages.Scenario
		backgrounds []*messages.Background
	)
	for _, c := range f.doc.Feature.Children {
		scenarios, backgrounds = appendNonNil(scenarios, c.Scenario), appendNonNil(backgrounds, c.Background)
		if c.Rule != nil {
			for _, rc := range c.Rule.Children {
				scenarios, backgrounds = appendNonNil(scenarios, rc.Scenario), appendNonNil(backgrounds, rc.Background)
			}
		}
	}
	for _, sc := range scenarios {
		check(sc.Keyword, sc.Name, sc.Description, sc.Location.Line, len(sc.Steps))
	}
	for _, bg := range backgrounds {
		check(bg.Keyword, bg.Name, bg.Description, bg.Location.Line, len(bg.Steps))
	}
	return problems
}

func appendNonNil[T any](list []*T, x *T) []*T {
	if x == nil {
		return list
	}
	return append(list, x)
}

// initialVars are the variables every scenario starts with (see
// steps.Config.Vars), a user's id included since the run learns it, and
// target.host, which each scenario learns from its target.
func initialVars(m *Mapping) jsonmatch.Vars {
	users := maps.Clone(m.Users)
	for name, u := range users {
		if u.ID == "" {
			u.ID = "learned"
			users[name] = u
		}
	}
	v := (&steps.Config{Users: users, Queues: m.Queues, Workbins: m.Workbins}).Vars()
	v.SetString("target.host", "learned") // bound by World.Begin from the target's URL
	return v
}

// checker follows the variables of one scenario, step by step.
type checker struct {
	file  string
	bound jsonmatch.Vars
	mock  bool // the scenario is tagged @mock: the whole control API
}

var (
	controlSend = regexp.MustCompile(`^control sends ([A-Z]+) (\S+)`)
	reference   = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}`)
	capture     = regexp.MustCompile(`\{\{\s*capture:([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}`)
)

// step checks one step of the scenario and binds what it binds.
func (c *checker) step(st stepOutcome) []string {
	at := location(c.file, st.Line)
	defs := steps.Find(st.Text)
	switch len(defs) {
	case 0:
		return []string{fmt.Sprintf("%s: undefined step %q: %s", at, st.Text, stepHint(st.Text))}
	case 1:
	default:
		var forms []string
		for _, d := range defs {
			forms = append(forms, d.Form())
		}
		return []string{fmt.Sprintf("%s: step %q is ambiguous: it matches %s", at, st.Text, strings.Join(forms, " and "))}
	}
	d := defs[0]
	switch {
	case d.DocString && st.Doc == "":
		return []string{fmt.Sprintf("%s: step %q takes a docstring (\"\"\") after it, and has none", at, st.Text)}
	case !d.DocString && st.Doc != "":
		return []string{fmt.Sprintf("%s: step %q takes no docstring; did you mean %q?", at, st.Text, d.Form()+":")}
	}
	calls := []steps.Call{{Text: st.Text, Doc: st.Doc}}
	if !d.Generic() {
		var err error
		if calls, err = d.Expand(st.Text, st.Doc); err != nil {
			return []string{fmt.Sprintf("%s: step %q: %v", at, st.Text, err)}
		}
	}
	var problems []string
	for _, call := range calls {
		problems = append(problems, c.call(at, call)...)
	}
	return problems
}

// call checks the variables of one generic step and binds what it binds.
func (c *checker) call(at string, call steps.Call) []string {
	var problems []string
	if m := controlSend.FindStringSubmatch(call.Text); m != nil && !c.mock && !steps.InDriverContract(m[1], m[2]) {
		problems = append(problems, fmt.Sprintf("%s: %s %s is not in the driver contract: tag the scenario @mock", at, m[1], m[2]))
	}
	for _, m := range reference.FindAllStringSubmatch(call.Text+"\n"+call.Doc, -1) {
		name := m[1]
		if _, err := jsonmatch.Expand(m[0], c.bound); !errors.Is(err, jsonmatch.ErrUnbound) {
			continue
		}
		names := slices.Collect(maps.Keys(c.bound))
		problems = append(problems, fmt.Sprintf("%s: {{%s}} is not bound here; the closest variables: %s",
			at, name, strings.Join(suggest.Closest(name, names, 3), ", ")))
		c.bound.SetString(name, "") // say it once
	}
	for _, m := range capture.FindAllStringSubmatch(call.Text+"\n"+call.Doc, -1) {
		c.bound.SetString(m[1], "")
	}
	for _, d := range steps.Find(call.Text) {
		if !d.Generic() {
			continue
		}
		if i := d.Regexp().SubexpIndex("variable"); i > 0 {
			if m := d.Regexp().FindStringSubmatch(call.Text); m != nil {
				c.bound.SetString(m[i], "")
			}
		}
	}
	return problems
}
