package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/cucumber/godog"
)

// Def is one step definition. A generic definition runs Go code; a domain
// definition expands into generic steps (Calls), so the vocabulary that
// talks to the target stays small and `gwsmock steps` can show what each
// domain step means.
type Def struct {
	// Pattern is the regular expression a step's text must match, anchored.
	Pattern string
	// Doc says what the step does, for people.
	Doc string
	// Example is a step that uses it, with its keyword.
	Example string
	// ExampleDoc is the docstring of the example, when the step takes one.
	ExampleDoc string
	// DocString says that the step takes a docstring.
	DocString bool

	run    func(ctx context.Context, w *World, args []string, doc string) error // generic
	expand func(args []string, doc string) ([]Call, error)                      // domain

	re *regexp.Regexp
}

// Call is one generic step of a domain step's expansion.
type Call struct {
	Text string
	// Doc is the docstring, for steps that take one.
	Doc string
}

// Generic reports whether d is a generic step (it runs code), as opposed to
// a domain step (it expands into generic ones).
func (d *Def) Generic() bool { return d.run != nil }

// Form returns the step as people read it, rendered from the pattern:
// named groups become their names in capitals, optional parts go in
// brackets, alternatives stay as a|b.
//
//	^(?P<user>\w+) accepts it$  ->  USER accepts it
func (d *Def) Form() string {
	re, err := syntax.Parse(d.Pattern, syntax.Perl)
	if err != nil {
		return d.Pattern
	}
	var b strings.Builder
	renderForm(&b, re)
	return b.String()
}

func renderForm(b *strings.Builder, re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCapture:
		if re.Name != "" {
			b.WriteString(strings.ToUpper(re.Name))
			return
		}
		renderForm(b, re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			renderForm(b, sub)
		}
	case syntax.OpAlternate:
		for i, sub := range re.Sub {
			if i > 0 {
				b.WriteByte('|')
			}
			renderForm(b, sub)
		}
	case syntax.OpQuest:
		if sub := re.Sub[0]; sub.Op == syntax.OpLiteral && string(sub.Rune) == " " {
			b.WriteByte(' ')
			return
		}
		b.WriteByte('[')
		renderForm(b, re.Sub[0])
		b.WriteByte(']')
	case syntax.OpCharClass:
		// A class of one letter or two cases of one letter ("an?" is
		// parsed as a literal and a quest) reads as the letters.
		if len(re.Rune) == 2 && re.Rune[0] == re.Rune[1] {
			b.WriteRune(re.Rune[0])
			return
		}
		b.WriteString("...")
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText, syntax.OpEmptyMatch:
	default:
		b.WriteString("...")
	}
}

// Regexp returns the compiled pattern.
func (d *Def) Regexp() *regexp.Regexp { return d.re }

// Expand returns the generic steps a domain step's text means; nil for a
// generic step.
func (d *Def) Expand(text, doc string) ([]Call, error) {
	if d.expand == nil {
		return nil, nil
	}
	m := d.re.FindStringSubmatch(text)
	if m == nil {
		return nil, fmt.Errorf("%q does not match %s", text, d.Pattern)
	}
	return d.expand(m[1:], doc)
}

func compile(defs []*Def) []*Def {
	for _, d := range defs {
		d.re = regexp.MustCompile(d.Pattern)
		if d.re.NumSubexp() > 4 {
			panic("step " + d.Pattern + ": at most 4 groups")
		}
	}
	return defs
}

// Library is the step vocabulary: the generic steps, then the domain steps.
var Library = func() []*Def {
	g := compile(append(genericDefs(), controlDefs()...))
	d := compile(append(domainDefs(), mediaDefs()...))
	return append(g, d...)
}()

func genericLibrary() []*Def {
	var out []*Def
	for _, d := range Library {
		if d.Generic() {
			out = append(out, d)
		}
	}
	return out
}

// Find returns the definitions whose pattern matches text.
func Find(text string) []*Def {
	var out []*Def
	for _, d := range Library {
		if d.re.MatchString(text) {
			out = append(out, d)
		}
	}
	return out
}

// Register adds every step of the library to a scenario, bound to w, and
// the hooks that keep the step text for reports.
func Register(sc *godog.ScenarioContext, w *World) {
	sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
		w.step = st.Text
		return ctx, nil
	})
	for _, d := range Library {
		sc.Step(d.re, handler(d.re.NumSubexp(), d.DocString, func(ctx context.Context, args []string, doc string) error {
			err := w.runDef(ctx, d, args, doc)
			if err == nil {
				return nil
			}
			return w.failure(err)
		}))
	}
}

// runDef runs a definition: a generic one directly, a domain one as its
// generic steps in order, stopping at the first failure.
func (w *World) runDef(ctx context.Context, d *Def, args []string, doc string) error {
	if d.run != nil {
		return d.run(ctx, w, args, doc)
	}
	calls, err := d.expand(args, doc)
	if err != nil {
		return err
	}
	for _, c := range calls {
		if err := w.call(ctx, c); err != nil {
			return &viaError{call: c, err: err}
		}
	}
	return nil
}

// call runs one generic step of an expansion.
func (w *World) call(ctx context.Context, c Call) error {
	var found []*Def
	for _, d := range genericLibrary() {
		if d.re.MatchString(c.Text) {
			found = append(found, d)
		}
	}
	switch len(found) {
	case 0:
		return fmt.Errorf("no generic step matches %q", c.Text)
	case 1:
	default:
		return fmt.Errorf("several generic steps match %q", c.Text)
	}
	d := found[0]
	m := d.re.FindStringSubmatch(c.Text)
	return d.run(ctx, w, m[1:], c.Doc)
}

// viaError is the failure of one generic step inside a domain step.
type viaError struct {
	call Call
	err  error
}

func (e *viaError) Error() string { return e.err.Error() }
func (e *viaError) Unwrap() error { return e.err }

// failure dresses a step's error for people: the scenario, the step, the
// generic step that failed inside a domain step, then what went wrong.
func (w *World) failure(err error) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nScenario: %s", w.scenario)
	if w.scenarioURI != "" {
		fmt.Fprintf(&b, " (%s)", w.scenarioURI)
	}
	fmt.Fprintf(&b, "\nStep: %s\n", w.step)
	var via *viaError
	if errors.As(err, &via) {
		fmt.Fprintf(&b, "Failing generic step: %s\n", via.call.Text)
		if via.call.Doc != "" {
			b.WriteString(indent(via.call.Doc, "    "))
			b.WriteByte('\n')
		}
	}
	b.WriteString(err.Error())
	return errors.New(b.String())
}

// handler adapts f to a step function godog accepts: a context, n string
// arguments, and a docstring when doc is set.
func handler(n int, doc bool, f func(ctx context.Context, args []string, doc string) error) any {
	content := func(d *godog.DocString) string {
		if d == nil {
			return ""
		}
		return d.Content
	}
	switch {
	case n == 0 && !doc:
		return func(ctx context.Context) error { return f(ctx, nil, "") }
	case n == 0:
		return func(ctx context.Context, d *godog.DocString) error { return f(ctx, nil, content(d)) }
	case n == 1 && !doc:
		return func(ctx context.Context, a string) error { return f(ctx, []string{a}, "") }
	case n == 1:
		return func(ctx context.Context, a string, d *godog.DocString) error { return f(ctx, []string{a}, content(d)) }
	case n == 2 && !doc:
		return func(ctx context.Context, a, b string) error { return f(ctx, []string{a, b}, "") }
	case n == 2:
		return func(ctx context.Context, a, b string, d *godog.DocString) error {
			return f(ctx, []string{a, b}, content(d))
		}
	case n == 3 && !doc:
		return func(ctx context.Context, a, b, c string) error { return f(ctx, []string{a, b, c}, "") }
	case n == 3:
		return func(ctx context.Context, a, b, c string, d *godog.DocString) error {
			return f(ctx, []string{a, b, c}, content(d))
		}
	case n == 4 && !doc:
		return func(ctx context.Context, a, b, c, e string) error { return f(ctx, []string{a, b, c, e}, "") }
	default:
		return func(ctx context.Context, a, b, c, e string, d *godog.DocString) error {
			return f(ctx, []string{a, b, c, e}, content(d))
		}
	}
}

// WriteCatalog prints the vocabulary for people writing scenarios: each
// generic step with what it does and an example, then each domain step with
// its example and the generic steps that example means.
func WriteCatalog(out io.Writer) error {
	var b strings.Builder
	b.WriteString(catalogIntro)
	section := func(title string, generic bool) error {
		fmt.Fprintf(&b, "\n%s\n%s\n", title, strings.Repeat("=", len(title)))
		for _, d := range Library {
			if d.Generic() != generic {
				continue
			}
			fmt.Fprintf(&b, "\n%s\n", d.Form())
			b.WriteString(indent(wrap(d.Doc, 76), "  "))
			b.WriteString("\n  Example:\n")
			writeStep(&b, "    ", d.Example, d.ExampleDoc)
			fmt.Fprintf(&b, "  Pattern: %s\n", d.Pattern)
			if generic {
				continue
			}
			_, text, _ := strings.Cut(d.Example, " ")
			calls, err := d.Expand(text, d.ExampleDoc)
			if err != nil {
				return fmt.Errorf("step %s: example: %w", d.Pattern, err)
			}
			b.WriteString("  Means:\n")
			for _, c := range calls {
				writeStep(&b, "    ", c.Text, c.Doc)
			}
		}
		return nil
	}
	if err := section("Generic steps", true); err != nil {
		return err
	}
	if err := section("Domain steps", false); err != nil {
		return err
	}
	_, err := io.WriteString(out, b.String())
	return err
}

const catalogIntro = `The conformance suite's step vocabulary.

Write scenarios in Gherkin (Given/When/Then/And/But before any step). Users
are the scenario users alice, bob, carol, dave and admin; the target file maps
them to the target's own credentials. JSON documents in docstrings are
matched partially: keys they do not name are ignored, arrays match element by
element unless their first element is "{{contains}}". Placeholders:
{{any}} {{string}} {{number}} {{bool}} {{array}} {{object}} {{absent}}
{{regex:RE}} {{capture:name}}, and {{name}} for a variable's value.

Variables every scenario starts with: alice.userName, alice.password,
alice.id (and the same for every user), queues.email-inbound (the target's
name of the queue), workbins.alice-workbin and workbins.alice-workbin.id,
origin (a browser origin the target allows) and target.host (the host name
of the target's URL, without its port).
Domain steps that create an interaction bind it (its id) and it.uri; the
operation steps ("alice accepts it") bind alice.referenceId to the
referenceId of the answer, which "alice's notification carries the
referenceId of her last request" compares.

The actor control plays the outside world through the driver contract
(docs/control-api.md): scenarios without a tag use only it, and the runner
cleans up after them (it stops the interactions they created and restores
their users' readiness). Scenarios tagged @mock may use the whole test-control
API (state, journal, faults, reset); the target is reset before each of them.
A listening user's notifications must
all be expected: one that no step consumed fails the scenario at its end.
docs/writing-scenarios.md explains how to write scenarios.
`

func writeStep(b *strings.Builder, prefix, text, doc string) {
	fmt.Fprintf(b, "%s%s\n", prefix, text)
	if doc == "" {
		return
	}
	fmt.Fprintf(b, "%s  \"\"\"\n%s\n%s  \"\"\"\n", prefix, indent(doc, prefix+"  "), prefix)
}

// wrap breaks text into lines of at most width characters.
func wrap(text string, width int) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
