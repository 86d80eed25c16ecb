package conformance

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	messages "github.com/cucumber/messages/go/v21"
	tagexpressions "github.com/cucumber/tag-expressions/go/v7"

	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/internal/suggest"
)

// tagExpr is a parsed --tags expression: Cucumber's tag expressions
// ("@a and not @b", "@a or (@b and @c)"), evaluated on a scenario's tags.
type tagExpr struct {
	text string // as given; "" selects every scenario
	eval tagexpressions.Evaluatable
	tags []string // the tags it names
	// withoutMock, when set, is the flag that leaves out the @mock
	// scenarios as well (--driver-only, --driver, --driver-cmd).
	withoutMock string
	// offModes are the mode tags (modeTags) of the modes the target does
	// not run in: their scenarios are left out.
	offModes []string
}

// modeTags are the tags of the scenarios that need the target server
// started in a mode of its own (steps.Modes, the target file's "modes"):
// the runner leaves them out unless the target file says that the target
// runs in that mode.
var modeTags = []struct {
	tag  string
	on   func(steps.Modes) bool
	says string // what the target file says when the target runs in it
}{
	{"@csrf", func(m steps.Modes) bool { return m.CSRF }, `"modes": {"csrf": true}`},
	{"@invite-timeout", func(m steps.Modes) bool { return m.InviteTimeout > 0 }, `"modes": {"inviteTimeout": "<its timeout>"}`},
	{"@no-invite-timeout", func(m steps.Modes) bool { return m.InviteTimeout == 0 }, `no "inviteTimeout" in its "modes"`},
	{"@websocket", func(m steps.Modes) bool { return !m.NoWebSocket }, `no "noWebSocket" in its "modes"`},
}

// offModes returns the mode tags of the modes a target with these modes
// does not run in.
func offModes(m steps.Modes) []string {
	var off []string
	for _, mt := range modeTags {
		if !mt.on(m) {
			off = append(off, mt.tag)
		}
	}
	return off
}

// match reports whether a scenario with these tags is selected.
func (e tagExpr) match(tags []string) bool {
	if e.withoutMock != "" && isMock(tags) {
		return false
	}
	if e.offMode(tags) != "" {
		return false
	}
	return e.eval == nil || e.eval.Evaluate(tags)
}

// offMode returns the first of tags that needs a mode the target does not
// run in; "" when none does.
func (e tagExpr) offMode(tags []string) string {
	for _, t := range e.offModes {
		if slices.Contains(tags, t) {
			return t
		}
	}
	return ""
}

// pickleTags are the tag names of a scenario: its feature's, rule's,
// scenario's and example table's.
func pickleTags(p *messages.Pickle) []string {
	tags := make([]string, len(p.Tags))
	for i, t := range p.Tags {
		tags[i] = t.Name
	}
	return tags
}

// selectScenarios checks that e selects at least one scenario of files and
// returns godog's filter for those. Its error, a *UsageError, says why
// nothing would run.
func (e tagExpr) selectScenarios(files []featureFile) (filter string, n int, err error) {
	var sets [][]string
	known := map[string]bool{}
	for _, f := range files {
		for _, p := range f.pickles {
			tags := pickleTags(p)
			sets = append(sets, tags)
			for _, t := range tags {
				known[t] = true
			}
			if e.match(tags) {
				n++
			}
		}
	}
	switch {
	case len(files) == 0:
		return "", 0, usage("no .feature file in the features to run")
	case len(sets) == 0:
		return "", 0, usage("the feature files hold no scenario")
	case n > 0:
		return godogFilter(sets, e.match), n, nil
	}
	var unknown []string
	for _, t := range e.tags {
		if !known[t] {
			msg := t
			if near := suggest.Likely(t, slices.Collect(maps.Keys(known)), 2); len(near) > 0 {
				msg += " (did you mean " + strings.Join(near, " or ") + "?)"
			}
			unknown = append(unknown, msg)
		}
	}
	if len(unknown) > 0 {
		return "", 0, usage("--tags %q: no scenario has the tag %s", e.text, strings.Join(unknown, ", "))
	}
	if e.withoutMock != "" && (tagExpr{text: e.text, eval: e.eval, offModes: e.offModes}).selects(sets) {
		return "", 0, usage("--tags %q selects only scenarios tagged @mock, which %s leaves out", e.text, e.withoutMock)
	}
	if len(e.offModes) > 0 && (tagExpr{text: e.text, eval: e.eval}).selects(sets) {
		return "", 0, usage("--tags %q selects only scenarios that need the target in a mode it does not run in (%s); %s",
			e.text, strings.Join(e.offModes, ", "), modeHint(e.offModes))
	}
	return "", 0, usage("--tags %q selects none of the %d scenarios", e.text, len(sets))
}

// leftOut says how many scenarios of files a run that selects n of them
// leaves out, and why, so that nobody reads a partial run as conformance;
// "" when it runs them all.
func (e tagExpr) leftOut(files []featureFile, n int) string {
	total := scenarioCount(files)
	if n >= total {
		return ""
	}
	mocks := 0
	modes := map[string]int{}
	all := tagExpr{text: e.text, eval: e.eval}
	for _, f := range files {
		for _, p := range f.pickles {
			switch tags := pickleTags(p); {
			case !all.match(tags):
			case e.withoutMock != "" && isMock(tags):
				mocks++
			case e.offMode(tags) != "":
				modes[e.offMode(tags)]++
			}
		}
	}
	var why []string
	if mocks > 0 {
		why = append(why, fmt.Sprintf("@mock needs gwsmock's own control API (%s, left out by %s)", nScenarios(mocks), e.withoutMock))
	}
	var off []string
	for _, t := range e.offModes {
		if modes[t] > 0 {
			why = append(why, fmt.Sprintf("%s needs the target in a mode the target file does not declare (%s)", t, nScenarios(modes[t])))
			off = append(off, t)
		}
	}
	left := mocks
	for _, c := range modes {
		left += c
	}
	if other := total - n - left; other > 0 {
		why = append(why, fmt.Sprintf("--tags %q does not select %d", e.text, other))
	}
	if len(off) > 0 {
		why = append(why, modeHint(off))
	}
	return fmt.Sprintf("left out %d of %d scenarios: %s; this run is not the whole suite", total-n, total, strings.Join(why, "; "))
}

// nScenarios says "1 scenario" or "n scenarios".
func nScenarios(n int) string {
	if n == 1 {
		return "1 scenario"
	}
	return fmt.Sprintf("%d scenarios", n)
}

// modeLeftOut counts the scenarios of files that the tag expression
// selects and that are left out for a mode the target does not run in
// (a @mock one left out by --driver-only counts as @mock, not here).
func (e tagExpr) modeLeftOut(files []featureFile) int {
	n := 0
	all := tagExpr{text: e.text, eval: e.eval}
	for _, f := range files {
		for _, p := range f.pickles {
			tags := pickleTags(p)
			if all.match(tags) && !(e.withoutMock != "" && isMock(tags)) && e.offMode(tags) != "" {
				n++
			}
		}
	}
	return n
}

// modeHint says what a target file declares for the scenarios of these
// mode tags to run.
func modeHint(tags []string) string {
	var says []string
	for _, mt := range modeTags {
		if slices.Contains(tags, mt.tag) {
			says = append(says, mt.tag+": "+mt.says)
		}
	}
	return "they run when the target file says how the target runs (" + strings.Join(says, "; ") + ")"
}

// selects reports whether e selects one of the tag sets.
func (e tagExpr) selects(sets [][]string) bool {
	return slices.ContainsFunc(sets, e.match)
}

// parseTags parses a tag expression. It also takes godog's older form
// ("@a,@b" for or, "@a && ~@b" for and and not) and rewrites it, since
// earlier versions of gwsmock documented it. The error says what is wrong
// in the words of the Cucumber parser.
func parseTags(s string) (tagExpr, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return tagExpr{}, nil
	}
	infix := s
	if isGodogTags(s) {
		var err error
		if infix, err = fromGodogTags(s); err != nil {
			return tagExpr{}, err
		}
	}
	var tags []string
	for _, w := range strings.FieldsFunc(infix, func(r rune) bool { return r == ' ' || r == '(' || r == ')' }) {
		switch {
		case w == "and" || w == "or" || w == "not":
		case strings.HasPrefix(w, "@"):
			tags = append(tags, w)
		default:
			return tagExpr{}, fmt.Errorf("tag expression %q: %q is not a tag (tags start with @) nor and, or, not", s, w)
		}
	}
	eval, err := parseInfix(infix)
	if err != nil {
		return tagExpr{}, err
	}
	return tagExpr{text: s, eval: eval, tags: tags}, nil
}

// parseInfix calls the Cucumber parser, which panics ("cannot pop") on an
// expression that ends with an operator: that is a syntax error too.
func parseInfix(infix string) (e tagexpressions.Evaluatable, err error) {
	defer func() {
		if recover() != nil {
			e, err = nil, fmt.Errorf("Tag expression %q could not be parsed because of syntax error: Expected operand.", infix)
		}
	}()
	return tagexpressions.Parse(infix)
}

// isGodogTags reports whether s is written in godog's older syntax.
func isGodogTags(s string) bool {
	return strings.ContainsAny(s, ",~") || strings.Contains(s, "&&")
}

// fromGodogTags rewrites godog's syntax (a conjunction, "&&", of
// disjunctions, ",", of tags, "~" negating one) as a Cucumber expression.
func fromGodogTags(s string) (string, error) {
	var clauses []string
	for _, clause := range strings.Split(s, "&&") {
		var alts []string
		for _, tag := range strings.Split(clause, ",") {
			tag = strings.TrimSpace(tag)
			neg := strings.HasPrefix(tag, "~")
			tag = strings.TrimPrefix(tag, "~")
			if tag == "" || strings.ContainsAny(tag, " ()") {
				return "", fmt.Errorf("tag expression %q: write it as Cucumber does, e.g. \"@a and not (@b or @c)\"", s)
			}
			if neg {
				tag = "not " + tag
			}
			alts = append(alts, tag)
		}
		clauses = append(clauses, "("+strings.Join(alts, " or ")+")")
	}
	return strings.Join(clauses, " and "), nil
}

// godogFilter returns a tag filter in godog's own syntax that selects the
// same scenarios as match among these tag sets, one per scenario, so
// that godog runs exactly the scenarios the expression selects. godog's
// syntax is a conjunction of disjunctions: for every tag set that match
// refuses, one clause rules out exactly that set. The clause holds only
// the literals needed to keep every selected set: for each selected set
// not yet kept, a tag it has and the refused one lacks, or a tag the
// refused one has and it lacks (negated). Every literal is false on the
// refused set, so the clause rules it out. Short clauses matter: godog
// evaluates the whole filter for each scenario, and a clause naming every
// tag of the suite made a run of a few tagged scenarios cost seconds. It
// returns "" when match selects every set. When it selects none the
// filter is meaningless: the caller runs nothing then.
func godogFilter(sets [][]string, match func([]string) bool) string {
	var selected, refused [][]string
	seen := map[string]bool{}
	for _, set := range sets {
		set = slices.Compact(slices.Sorted(slices.Values(set)))
		key := strings.Join(set, " ")
		if seen[key] {
			continue
		}
		seen[key] = true
		if match(set) {
			selected = append(selected, set)
		} else {
			refused = append(refused, set)
		}
	}
	var clauses []string
	for _, r := range refused {
		var alts []string
		kept := func(set []string) bool {
			for _, a := range alts {
				if tag, neg := strings.CutPrefix(a, "~"); slices.Contains(set, tag) != neg {
					return true
				}
			}
			return false
		}
		for _, set := range selected {
			if kept(set) {
				continue
			}
			// set differs from r (match is a function of the set), so
			// one of these finds a literal.
			if i := slices.IndexFunc(set, func(t string) bool { return !slices.Contains(r, t) }); i >= 0 {
				alts = append(alts, set[i])
			} else if i := slices.IndexFunc(r, func(t string) bool { return !slices.Contains(set, t) }); i >= 0 {
				alts = append(alts, "~"+r[i])
			}
		}
		if len(alts) == 0 {
			// Nothing is selected: a tag no scenario has.
			alts = []string{"@gwsmock-none"}
		}
		clauses = append(clauses, strings.Join(alts, ","))
	}
	return strings.Join(clauses, "&&")
}
