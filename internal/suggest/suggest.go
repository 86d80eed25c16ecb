// Package suggest finds, among known names, the ones closest to a name
// that was not found, for "did you mean" messages: by edit distance
// (Levenshtein with swaps of neighbours, on lower-cased runes).
package suggest

import (
	"slices"
	"strings"
)

// Distance is the number of runes to insert, delete or replace, or of
// neighbours to swap, to turn a into b, ignoring case (the optimal string
// alignment distance: a swap is the commonest typo).
func Distance(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// Closest returns at most n of candidates, the closest to name first (ties
// in alphabetical order), without duplicates.
func Closest(name string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	var all []scored
	for _, c := range slices.Compact(slices.Sorted(slices.Values(candidates))) {
		all = append(all, scored{c, Distance(name, c)})
	}
	slices.SortStableFunc(all, func(a, b scored) int { return a.d - b.d })
	out := make([]string, 0, min(n, len(all)))
	for _, c := range all[:min(n, len(all))] {
		out = append(out, c.s)
	}
	return out
}

// Likely returns at most n of candidates that are likely what name meant:
// the closest, within a third of name's length (at least 1, at most 3
// edits).
func Likely(name string, candidates []string, n int) []string {
	limit := min(max(len([]rune(name))/3, 1), 3)
	var out []string
	for _, c := range Closest(name, candidates, n) {
		if Distance(name, c) <= limit {
			out = append(out, c)
		}
	}
	return out
}
