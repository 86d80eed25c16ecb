package conformance

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	messages "github.com/cucumber/messages/go/v21"

	"github.com/gwsmock/gwsmock/docs"
	"github.com/gwsmock/gwsmock/features"
	"github.com/gwsmock/gwsmock/internal/suggest"
)

// Promise is one numbered promise of the contract: a B§.n of
// docs/behavior.md or a rule C1..C14 of docs/bayeux.md.
type Promise struct {
	ID    string // "B4.11", "C6"
	Title string // its bold words, or else its first words
	Doc   string // the document that makes it, e.g. "docs/behavior.md"
}

// ScenarioRef is a scenario that claims a promise by a tag.
type ScenarioRef struct {
	File string // the feature file, as reports name it
	Name string // the scenario's or outline's name, as written
	Line int64  // of the scenario in the file
	// Mock says that every example of it that claims the promise is
	// tagged @mock: gwsmock's own policy (docs/behavior.md B8.2).
	Mock bool
}

// String is "FILE: NAME".
func (s ScenarioRef) String() string { return s.File + ": " + s.Name }

// CoverageRow is one promise and what asserts it.
type CoverageRow struct {
	Promise
	// Scenarios claim the promise by a tag, in file order.
	Scenarios []ScenarioRef
	// NotBehaviour says why no scenario can assert the promise (it is
	// about how the contract is read or what the suite does); "" for
	// server behaviour.
	NotBehaviour string
	// CheckedBy names the Go test that checks a promise that is not server
	// behaviour, when one does ("mockserver: TestX").
	CheckedBy string
}

// Covered reports whether the row needs nothing more: a scenario claims
// it, or it is not server behaviour.
func (r CoverageRow) Covered() bool { return r.NotBehaviour != "" || len(r.Scenarios) > 0 }

// MockOnly reports whether only @mock scenarios claim the promise.
func (r CoverageRow) MockOnly() bool {
	return len(r.Scenarios) > 0 && !slices.ContainsFunc(r.Scenarios, func(s ScenarioRef) bool { return !s.Mock })
}

// Coverage is the traceability matrix: every promise of the contract with
// the scenarios that claim it, and which words of the API's vocabulary the
// scenarios use.
type Coverage struct {
	// Rows are the promises, in the order of the documents.
	Rows []CoverageRow
	// Vocabulary is what the scenarios exercise of spec/openapi.yaml.
	Vocabulary []VocabularyGroup
	// Problems are the claims that cannot hold, one line each: a tag that
	// looks like a promise id and names none, a promise that is not server
	// behaviour claimed by a scenario.
	Problems []string
}

// CoverageTotals counts the rows of a matrix.
type CoverageTotals struct {
	Promises     int // every row
	Driver       int // claimed by at least one driver scenario (not @mock)
	MockOnly     int // claimed only by @mock scenarios
	NotBehaviour int // not server behaviour
	Uncovered    int // none of the above
}

// Totals counts c's rows.
func (c Coverage) Totals() CoverageTotals {
	t := CoverageTotals{Promises: len(c.Rows)}
	for _, r := range c.Rows {
		switch {
		case r.NotBehaviour != "":
			t.NotBehaviour++
		case r.MockOnly():
			t.MockOnly++
		case len(r.Scenarios) > 0:
			t.Driver++
		default:
			t.Uncovered++
		}
	}
	return t
}

// Uncovered returns the ids of the promises no scenario claims that are
// server behaviour.
func (c Coverage) Uncovered() []string {
	var ids []string
	for _, r := range c.Rows {
		if !r.Covered() {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// notServerBehaviour are the promises no scenario can assert: how the
// contract is read (§0), a pointer to another section, and what the suite
// itself does (§8, docs/behavior.md). A row here is a claim a reviewer
// checks like a tag: keep it short.
var notServerBehaviour = map[string]struct{ why, test string }{
	"B0.1": {why: "how the contract is read: the seed page decides first"},
	"B0.2": {why: "how the contract is read: the published 8.5.x pages decide next"},
	"B0.3": {why: "how the contract is read: where pages disagree, both forms"},
	"B0.4": {why: "how the contract is read: gwsmock chooses only where every page is silent"},
	"B0.5": {why: "the aim behind the order of sources"},
	"B1.6": {why: "a pointer to §3: the interaction object's promises are B3.*"},
	"B3.7": {why: "objects are open: the suite tolerates extra fields; gwsmock sends only documented fields", test: "mockserver: TestConformanceToleratesBenignServers"},
	"B8.1": {why: "what the suite tolerates of a target", test: "mockserver: TestConformanceToleratesBenignServers"},
	"B8.2": {why: "which promises are gwsmock's policy, and how the runner treats @mock", test: "mockserver: TestConformDriverOnly"},
	"B8.3": {why: "how a decision is revised when a real server proves it wrong"},
}

// promiseDoc is a document of the contract and how its promises begin.
type promiseDoc struct {
	name string         // in the contract's file system
	path string         // in the repository
	item *regexp.Regexp // a promise's first line: id, bold title, rest
}

var promiseDocs = []promiseDoc{
	{name: "behavior.md", path: "docs/behavior.md", item: regexp.MustCompile(`^- \*\*(B\d+\.\d+)(?: ([^*]+?))?\*\*(.*)$`)},
	{name: "bayeux.md", path: "docs/bayeux.md", item: regexp.MustCompile(`^\d+\. \*\*(C\d+)(?: ([^*]+?))?\*\*(.*)$`)},
}

// promiseTag is a tag that looks like a promise id, in any letter case:
// it must name one.
var promiseTag = regexp.MustCompile(`(?i)^@[BC]\d`)

// BuildCoverage builds the matrix from the promises of contract (a file
// system holding behavior.md and bayeux.md; nil: the embedded docs.FS) and
// the scenarios of suite (nil: the embedded features). A scenario claims a
// promise by a tag (@B4.11, @C6) on itself, its outline's examples, its
// rule or its feature. Its error says why the documents or the feature
// files cannot be read; the claims that cannot hold are c.Problems.
func BuildCoverage(contract, suite fs.FS) (Coverage, error) {
	if contract == nil {
		contract = docs.FS
	}
	if suite == nil {
		suite = features.FS
	}
	var c Coverage
	index := map[string]int{}
	for _, d := range promiseDocs {
		b, err := fs.ReadFile(contract, d.name)
		if err != nil {
			return Coverage{}, fmt.Errorf("read the promises: %w", err)
		}
		ps := parsePromises(b, d)
		if len(ps) == 0 {
			return Coverage{}, fmt.Errorf("%s: no promise found: they are list items that begin with their bold id", d.path)
		}
		for _, p := range ps {
			if _, dup := index[p.ID]; dup {
				return Coverage{}, fmt.Errorf("%s: promise %s is numbered twice", d.path, p.ID)
			}
			index[p.ID] = len(c.Rows)
			row := CoverageRow{Promise: p}
			if nb, ok := notServerBehaviour[p.ID]; ok {
				row.NotBehaviour, row.CheckedBy = nb.why, nb.test
			}
			c.Rows = append(c.Rows, row)
		}
	}
	files, err := loadFeatures(suite)
	if err != nil {
		return Coverage{}, err
	}
	ids := make([]string, 0, len(index))
	for _, r := range c.Rows {
		ids = append(ids, r.ID)
	}
	for _, f := range files {
		c.Problems = append(c.Problems, tagProblems(Origin(suite, f.uri), f.doc, index, ids)...)
		claims(f, Origin(suite, f.uri), func(id string, ref ScenarioRef) {
			if i, ok := index[id]; ok {
				c.Rows[i].Scenarios = addRef(c.Rows[i].Scenarios, ref)
			}
		})
	}
	for _, r := range c.Rows {
		if r.NotBehaviour != "" && len(r.Scenarios) > 0 {
			c.Problems = append(c.Problems, fmt.Sprintf("%s: %s is not server behaviour (%s), yet %s claims it: drop the tag, or the promise's row in conformance/coverage.go",
				r.Scenarios[0].File, r.ID, r.NotBehaviour, r.Scenarios[0]))
		}
	}
	if c.Vocabulary, err = vocabulary(files); err != nil {
		return Coverage{}, err
	}
	return c, nil
}

// parsePromises reads the promises of one document: each is a list item
// that begins with its bold id, and its title is the bold words after the
// id or else the first words of its text.
func parsePromises(b []byte, d promiseDoc) []Promise {
	var out []Promise
	var text *strings.Builder // the current promise's text, while it lasts
	var bold bool
	flush := func() {
		if text != nil && !bold {
			out[len(out)-1].Title = firstWords(text.String())
		}
		text = nil
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if m := d.item.FindStringSubmatch(line); m != nil {
			flush()
			title := strings.TrimRight(plainMarkdown(m[2]), ".:")
			out = append(out, Promise{ID: m[1], Title: title, Doc: d.path})
			text, bold = &strings.Builder{}, title != ""
			text.WriteString(m[3])
			continue
		}
		if text == nil {
			continue
		}
		if strings.TrimSpace(line) == "" || !strings.HasPrefix(line, " ") {
			flush()
			continue
		}
		text.WriteString(" " + strings.TrimSpace(line))
	}
	flush()
	return out
}

// firstWords is a promise's title when it has no bold one: its text up to
// the first colon or full stop, at most about 60 characters.
func firstWords(s string) string {
	s = strings.TrimSpace(plainMarkdown(s))
	if i := strings.IndexAny(s, ":;("); i > 0 {
		s = s[:i]
	}
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i]
	}
	s = strings.TrimRight(strings.TrimSpace(s), ".,")
	if len(s) <= 60 {
		return s
	}
	cut := strings.LastIndex(s[:60], " ")
	if cut < 0 {
		cut = 60
	}
	return s[:cut] + " ..."
}

// plainMarkdown drops the emphasis and code marks of s.
func plainMarkdown(s string) string {
	return strings.NewReplacer("**", "", "*", "", "`", "").Replace(s)
}

// claims calls claim for every promise tag of every scenario of f, with
// the scenario that the tag (on it, its examples, its rule or the
// feature) makes claim it.
func claims(f featureFile, file string, claim func(id string, ref ScenarioRef)) {
	if f.doc.Feature == nil {
		return
	}
	scenarios := map[string]*messages.Scenario{}
	for _, c := range f.doc.Feature.Children {
		if c.Scenario != nil {
			scenarios[c.Scenario.Id] = c.Scenario
		}
		if c.Rule != nil {
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					scenarios[rc.Scenario.Id] = rc.Scenario
				}
			}
		}
	}
	for _, p := range f.pickles {
		sc := scenarios[p.AstNodeIds[0]]
		if sc == nil {
			continue
		}
		tags := pickleTags(p)
		for _, t := range tags {
			if promiseTag.MatchString(t) {
				claim(t[1:], ScenarioRef{File: file, Name: sc.Name, Line: sc.Location.Line, Mock: isMock(tags)})
			}
		}
	}
}

// addRef adds ref to refs, once per scenario: an outline's examples are
// one scenario, @mock only when every example that claims it is.
func addRef(refs []ScenarioRef, ref ScenarioRef) []ScenarioRef {
	i := slices.IndexFunc(refs, func(r ScenarioRef) bool { return r.File == ref.File && r.Line == ref.Line })
	if i < 0 {
		return append(refs, ref)
	}
	refs[i].Mock = refs[i].Mock && ref.Mock
	return refs
}

// tagProblems finds the tags of doc that look like a promise id and name
// no promise of index, one line each, with the likely id meant.
func tagProblems(file string, doc *messages.GherkinDocument, index map[string]int, ids []string) []string {
	if doc.Feature == nil {
		return nil
	}
	var problems []string
	check := func(tags []*messages.Tag) {
		for _, t := range tags {
			if !promiseTag.MatchString(t.Name) {
				continue
			}
			if _, ok := index[t.Name[1:]]; ok {
				continue
			}
			msg := fmt.Sprintf("%s: %s looks like a promise id and names none of docs/behavior.md or docs/bayeux.md", location(file, t.Location.Line), t.Name)
			if near := suggest.Likely(t.Name[1:], ids, 1); len(near) > 0 {
				msg += " (did you mean @" + strings.Join(near, " or @") + "?)"
			}
			problems = append(problems, msg)
		}
	}
	scenario := func(sc *messages.Scenario) {
		check(sc.Tags)
		for _, ex := range sc.Examples {
			check(ex.Tags)
		}
	}
	check(doc.Feature.Tags)
	for _, c := range doc.Feature.Children {
		if c.Scenario != nil {
			scenario(c.Scenario)
		}
		if c.Rule != nil {
			check(c.Rule.Tags)
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					scenario(rc.Scenario)
				}
			}
		}
	}
	return problems
}

// WriteText prints the matrix for people at a terminal: the totals, each
// promise with the scenarios that claim it (or why none need to), then the
// vocabulary.
func (c Coverage) WriteText(w io.Writer) error {
	var b strings.Builder
	t := c.Totals()
	fmt.Fprintf(&b, "Traceability matrix: %d promises of docs/behavior.md and docs/bayeux.md\n", t.Promises)
	fmt.Fprintf(&b, "  %d claimed by driver scenarios, %d only by @mock scenarios, %d not server behaviour, %d with no scenario\n\n",
		t.Driver, t.MockOnly, t.NotBehaviour, t.Uncovered)
	for _, r := range c.Rows {
		fmt.Fprintf(&b, "%-6s %s%s\n", r.ID, r.Title, rowNote(r, "  [", "]"))
		switch {
		case r.NotBehaviour != "":
			fmt.Fprintf(&b, "         not server behaviour: %s%s\n", r.NotBehaviour, checkedBy(r))
		case len(r.Scenarios) == 0:
			b.WriteString("         NO SCENARIO\n")
		}
		for _, s := range r.Scenarios {
			fmt.Fprintf(&b, "         %s%s\n", s, mockMark(s))
		}
	}
	b.WriteString("\nVocabulary of spec/openapi.yaml in the scenarios\n")
	for _, g := range c.Vocabulary {
		fmt.Fprintf(&b, "\n%s: %d of %d mentioned (%s)\n", g.Name, len(g.Used), len(g.Used)+len(g.Unused), g.How)
		fmt.Fprintf(&b, "  mentioned: %s\n", listOrNone(g.Used))
		fmt.Fprintf(&b, "  never:     %s\n", listOrNone(g.Unused))
	}
	for _, p := range c.Problems {
		fmt.Fprintf(&b, "\nproblem: %s", p)
	}
	if len(c.Problems) > 0 {
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown prints the matrix as Markdown tables, for CONFORMANCE.md.
func (c Coverage) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	t := c.Totals()
	b.WriteString("| promises | claimed by driver scenarios | only by @mock scenarios | not server behaviour | no scenario |\n|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d |\n\n", t.Promises, t.Driver, t.MockOnly, t.NotBehaviour, t.Uncovered)
	b.WriteString("| promise | title | asserted by |\n|---|---|---|\n")
	for _, r := range c.Rows {
		var cell []string
		switch {
		case r.NotBehaviour != "":
			cell = append(cell, "*not server behaviour*: "+r.NotBehaviour+checkedBy(r))
		case len(r.Scenarios) == 0:
			cell = append(cell, "**no scenario**")
		}
		for _, s := range r.Scenarios {
			cell = append(cell, s.String()+mockMark(s))
		}
		fmt.Fprintf(&b, "| %s | %s%s | %s |\n", r.ID, markdownCell(r.Title), rowNote(r, " (", ")"), markdownCell(strings.Join(cell, "<br>")))
	}
	b.WriteString("\n| vocabulary | mentioned | never mentioned |\n|---|---|---|\n")
	for _, g := range c.Vocabulary {
		fmt.Fprintf(&b, "| %s (%d of %d; %s) | %s | %s |\n", g.Name, len(g.Used), len(g.Used)+len(g.Unused),
			markdownCell(g.How), markdownCell(listOrNone(g.Used)), markdownCell(listOrNone(g.Unused)))
	}
	for i, p := range c.Problems {
		if i == 0 {
			b.WriteString("\nProblems:\n\n")
		}
		fmt.Fprintf(&b, "- %s\n", markdownCell(p))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// rowNote marks a row that only @mock scenarios claim.
func rowNote(r CoverageRow, open, close string) string {
	if r.MockOnly() {
		return open + "@mock only" + close
	}
	return ""
}

func mockMark(s ScenarioRef) string {
	if s.Mock {
		return " (@mock)"
	}
	return ""
}

func checkedBy(r CoverageRow) string {
	if r.CheckedBy == "" {
		return ""
	}
	return " (checked by " + r.CheckedBy + ")"
}

func listOrNone(values []string) string {
	if len(values) == 0 {
		return "none"
	}
	return strings.Join(values, ", ")
}

// markdownCell escapes what would end a table cell.
func markdownCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
