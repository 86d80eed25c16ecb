package conformance

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/internal/suggest"
)

// stepHint says what to write instead of an undefined step: the closest
// steps of the vocabulary, as "did you mean" lines.
func stepHint(text string) string {
	defs := closestSteps(text, 3)
	if len(defs) == 0 {
		return `no step of the vocabulary is close; "gwsmock steps" lists them`
	}
	var b strings.Builder
	b.WriteString("did you mean ")
	for i, d := range defs {
		if i > 0 {
			b.WriteString(", or ")
		}
		fmt.Fprintf(&b, "%q (e.g. %q)", d.Form(), d.Example)
	}
	b.WriteString(`? "gwsmock steps" lists the vocabulary`)
	return b.String()
}

// closestSteps returns at most n steps of the vocabulary whose form is
// close to text, closest first: word by word, where a placeholder of the
// form (USER, PATH, ...) stands for any one word.
func closestSteps(text string, n int) []*steps.Def {
	words := strings.Fields(text)
	type scored struct {
		d    *steps.Def
		cost float64
	}
	var all []scored
	for _, d := range steps.Library {
		cost := -1.0
		for _, form := range formVariants(d.Form()) {
			if c := wordDistance(words, strings.Fields(form)); cost < 0 || c < cost {
				cost = c
			}
		}
		// Close: at most a third of the words are off, and at most 3.
		if cost <= min(3, max(1, float64(len(words))/3)) {
			all = append(all, scored{d, cost})
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int {
		switch {
		case a.cost < b.cost:
			return -1
		case a.cost > b.cost:
			return 1
		}
		return 0
	})
	var out []*steps.Def
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.d)
	}
	return out
}

// placeholderCost is the cost of a word where a form has a placeholder.
const placeholderCost = 0.3

var optional = regexp.MustCompile(`\[([^\[\]]*)\]`)

// formVariants are a form without its optional parts and with them all.
func formVariants(form string) []string {
	return []string{optional.ReplaceAllString(form, ""), optional.ReplaceAllString(form, "$1")}
}

// wordDistance is the edit distance between two lists of words: inserting
// or deleting a word costs 1, replacing one the share of its letters that
// differ; a placeholder word of the form (in capitals) matches any word
// for placeholderCost, so that the literal words decide. Alternatives a|b
// match either.
func wordDistance(text, form []string) float64 {
	d := make([][]float64, len(text)+1)
	for i := range d {
		d[i] = make([]float64, len(form)+1)
		d[i][0] = float64(i)
	}
	for j := range d[0] {
		d[0][j] = float64(j)
	}
	for i := 1; i <= len(text); i++ {
		for j := 1; j <= len(form); j++ {
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+wordCost(text[i-1], form[j-1]))
		}
	}
	return d[len(text)][len(form)]
}

// wordCost is the cost of reading word where the form has f.
func wordCost(word, f string) float64 {
	if isPlaceholder(f) {
		return placeholderCost
	}
	best := 1.0
	for _, alt := range strings.Split(f, "|") {
		n := max(len([]rune(word)), len([]rune(alt)), 1)
		best = min(best, float64(suggest.Distance(word, alt))/float64(n))
	}
	return best
}

// isPlaceholder reports whether a word of a form is a placeholder: letters
// all capitals (N, USER, USER's, "REGEX", STATUS,).
func isPlaceholder(f string) bool {
	f = strings.TrimSuffix(f, "'s")
	return strings.ContainsFunc(f, unicode.IsUpper) && !strings.ContainsFunc(f, unicode.IsLower)
}
