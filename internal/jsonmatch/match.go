package jsonmatch

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Match reports whether the actual document matches the expected one, as the
// package documentation describes, and how it differs if not. It is
// Options{}.Match: arrays in order, null present.
func Match(expected, actual []byte, vars Vars) (Result, error) {
	return Options{}.Match(expected, actual, vars)
}

// Options loosen [Match] where a contract leaves things open; the zero value
// matches as [Match] does.
type Options struct {
	// Sets names object keys whose arrays are compared as sets: each
	// expected element must match a distinct actual element, in any order,
	// and the actual array must have as many elements. An expected array
	// whose first element is "{{ordered}}" keeps its order; a
	// "{{contains}}" array is unordered anyway.
	Sets []string
	// NullIsAbsent lets {{absent}} match a member whose value is null,
	// except inside the objects under the keys FreeObjects names: free JSON,
	// where null is a value like any other.
	NullIsAbsent bool
	FreeObjects  []string
}

// Match reports whether the actual document matches the expected one, as the
// package documentation describes with the options' changes, and how it
// differs if not.
//
// References in expected are resolved from vars before matching. When the
// match succeeds, the values of its captures are added to vars; when it
// fails, vars is left as it was.
//
// The error is a [*SyntaxError] for invalid JSON in either document, or says
// where the expected document cannot be used: it wraps [ErrUnbound] for a
// reference to an unbound variable and [ErrPlaceholder] for a misused
// placeholder. A mismatch is not an error.
func (o Options) Match(expected, actual []byte, vars Vars) (Result, error) {
	e, err := parse("expected", expected)
	if err != nil {
		return Result{}, err
	}
	a, err := parse("actual", actual)
	if err != nil {
		return Result{}, err
	}
	p := &parser{vars: vars, doc: expected}
	n, err := p.parse(e, "", false)
	if err != nil {
		return Result{}, err
	}
	if n.kind == kindAbsent {
		return Result{}, wrapAt("", fmt.Errorf("%w {{absent}}: only an object member can be absent", ErrPlaceholder))
	}
	m := &matcher{vars: maps.Clone(vars), nullIsAbsent: o.NullIsAbsent, sets: keySet(o.Sets), free: keySet(o.FreeObjects)}
	exp, act := m.match("", n, a)
	if len(m.out) == 0 {
		maps.Copy(vars, m.vars)
	}
	return Result{
		Mismatches: m.out,
		expected:   render(exp, true),
		actual:     render(act, true),
	}, nil
}

// matcher matches a node tree against an actual document.
type matcher struct {
	vars Vars // the caller's variables and the captures made so far
	out  []Mismatch
	// dry counts mismatches in count instead of building out and the views:
	// a trial, as when pairing the elements of a "contains" array.
	dry   bool
	count int

	sets         map[string]bool // keys whose arrays are compared as sets
	free         map[string]bool // keys of free objects, where null is a value
	nullIsAbsent bool            // {{absent}} matches null here
}

// trial returns a matcher with m's options and a copy of its variables that
// only counts mismatches.
func (m *matcher) trial() *matcher {
	return &matcher{vars: maps.Clone(m.vars), dry: true, sets: m.sets, free: m.free, nullIsAbsent: m.nullIsAbsent}
}

// keySet returns the keys as a set; nil for none.
func keySet(keys []string) map[string]bool {
	if len(keys) == 0 {
		return nil
	}
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out
}

// match matches n against the present value a at path and returns the views
// of both for the diff: the expected value with matched placeholders
// replaced by the actual value, and the actual value pruned to what n
// mentions.
func (m *matcher) match(path string, n *node, a gjson.Result) (exp, act any) {
	switch n.kind {
	case kindObject:
		return m.matchObject(path, n, a)
	case kindArray:
		return m.matchArray(path, n, a)
	case kindContains:
		return m.matchUnordered(path, n, a, false)
	case kindType:
		if n.typ != "" && typeName(a) != n.typ {
			m.mismatch(path, n.src, a, fmt.Sprintf("expected %s, got %s", article(n.typ), article(typeName(a))))
			return n.src, m.value(a)
		}
	case kindRegex:
		if a.Type != gjson.String {
			m.mismatch(path, n.src, a, fmt.Sprintf("expected a string matching %s, got %s", n.re, article(typeName(a))))
			return n.src, m.value(a)
		}
		if !n.re.MatchString(a.Str) {
			m.mismatch(path, n.src, a, fmt.Sprintf("does not match %s", n.re))
			return n.src, m.value(a)
		}
	case kindCapture:
		if bound, ok := m.vars[n.name]; ok {
			b := gjson.ParseBytes(bound)
			if !equal(b, a) {
				m.mismatch(path, toValue(b), a, fmt.Sprintf("differs from %s, captured before", n.name))
				return toValue(b), m.value(a)
			}
		} else {
			m.vars[n.name] = json.RawMessage(render(toValue(a), false))
		}
	case kindLiteral:
		if reason := literalMismatch(n.val, a); reason != "" {
			if n.ref != "" {
				reason += " (from {{" + n.ref + "}})"
			}
			m.mismatch(path, n.val, a, reason)
			return n.val, m.value(a)
		}
	case kindAbsent: // only as an object member, which matchObject handles
		m.mismatch(path, n.src, a, "misplaced placeholder")
		return n.src, m.value(a)
	}
	v := m.value(a)
	return v, v
}

func (m *matcher) matchObject(path string, n *node, a gjson.Result) (exp, act any) {
	if !a.IsObject() {
		m.typeMismatch(path, n, a)
		return n.display(), m.value(a)
	}
	members := objectMembers(a)
	expView, actView := make(map[string]any), make(map[string]any)
	for _, k := range n.keys {
		c, p := n.members[k], joinKey(path, k)
		v, present := members[k]
		if present && c.kind == kindAbsent && m.nullIsAbsent && v.Type == gjson.Null {
			present = false
		}
		switch {
		case c.kind == kindAbsent && present:
			m.mismatch(p, absent{}, v, "present, expected absent")
			actView[k] = m.value(v)
		case c.kind == kindAbsent:
		case !present:
			m.mismatch(p, c.display(), gjson.Result{}, "missing")
			expView[k] = c.display()
		case c.kind == kindArray && !c.ordered && m.sets[k]:
			expView[k], actView[k] = m.matchUnordered(p, c, v, true)
		case m.free[k] && m.nullIsAbsent:
			m.nullIsAbsent = false
			expView[k], actView[k] = m.match(p, c, v)
			m.nullIsAbsent = true
		default:
			expView[k], actView[k] = m.match(p, c, v)
		}
	}
	return expView, actView
}

func (m *matcher) matchArray(path string, n *node, a gjson.Result) (exp, act any) {
	if !a.IsArray() {
		m.typeMismatch(path, n, a)
		return n.display(), m.value(a)
	}
	items := a.Array()
	at := len(m.out) // the length mismatch goes before those of the elements
	expView, actView := make([]any, 0, len(n.elems)), make([]any, 0, len(items))
	for i, c := range n.elems {
		if i >= len(items) {
			expView = append(expView, c.display())
			continue
		}
		e, v := m.match(joinIndex(path, i), c, items[i])
		expView, actView = append(expView, e), append(actView, v)
	}
	for _, v := range items[min(len(n.elems), len(items)):] {
		actView = append(actView, m.value(v))
	}
	if len(items) != len(n.elems) {
		// The length mismatch shows both arrays whole; of the elements'
		// own mismatches, only those inside them add something.
		kept := slices.DeleteFunc(m.out[at:], func(mm Mismatch) bool {
			rest, ok := strings.CutPrefix(mm.Path, path+"[")
			return ok && strings.HasSuffix(rest, "]") && !strings.ContainsAny(rest[:len(rest)-1], "[].")
		})
		m.out = m.out[:at+len(kept)]
		m.mismatchAt(at, path, expView, a, fmt.Sprintf("expected %s, got %d", elements(len(n.elems)), len(items)))
	}
	return expView, actView
}

// matchUnordered pairs each expected element with a distinct actual element
// it matches (a maximum bipartite matching, so that a loose element does not
// take the only partner of a strict one). An element left without a partner
// is shown against the closest actual element left over. For a set (whole),
// the arrays must also have the same length, and the actual elements left
// over show in the actual view; for a "contains" array they are left out.
func (m *matcher) matchUnordered(path string, n *node, a gjson.Result, whole bool) (exp, act any) {
	if !a.IsArray() {
		m.typeMismatch(path, n, a)
		return n.display(), m.value(a)
	}
	items := a.Array()
	at := len(m.out) // a length mismatch goes before those of the elements
	form := "contains"
	if whole {
		form = "in any order"
	}

	// cost[i][j]: mismatches of expected element i against actual element j.
	cost := make([][]int, len(n.elems))
	for i, c := range n.elems {
		cost[i] = make([]int, len(items))
		for j, v := range items {
			t := m.trial()
			t.match(joinIndex(path, j), c, v)
			cost[i][j] = t.count
		}
	}
	partner := make([]int, len(n.elems)) // expected i -> actual j, or -1
	taken := make([]int, len(items))     // actual j -> expected i, or -1
	for i := range partner {
		partner[i] = -1
	}
	for j := range taken {
		taken[j] = -1
	}
	var augment func(i int, seen []bool) bool
	augment = func(i int, seen []bool) bool {
		for j := range items {
			if cost[i][j] != 0 || seen[j] {
				continue
			}
			seen[j] = true
			if taken[j] < 0 || augment(taken[j], seen) {
				taken[j], partner[i] = i, j
				return true
			}
		}
		return false
	}
	for i := range n.elems {
		augment(i, make([]bool, len(items)))
	}

	type pair struct {
		j              int // actual index, for the order of the views
		exp, act       any
		hasExp, hasAct bool
	}
	var pairs []pair
	for i, c := range n.elems {
		if j := partner[i]; j >= 0 {
			e, v := m.match(joinIndex(path, j), c, items[j])
			pairs = append(pairs, pair{j, e, v, true, true})
		}
	}
	for i, c := range n.elems {
		if partner[i] >= 0 {
			continue
		}
		closest := -1
		for j := range items {
			if taken[j] < 0 && (closest < 0 || cost[i][j] < cost[i][closest]) {
				closest = j
			}
		}
		if closest < 0 {
			reason := "no element matches"
			if len(items) == 0 {
				reason = "the array is empty"
			}
			m.mismatch(path, c.display(), a, form+": "+reason)
			pairs = append(pairs, pair{j: len(items) + i, exp: c.display(), hasExp: true})
			continue
		}
		taken[closest] = i
		m.mismatch(path, c.display(), items[closest], fmt.Sprintf("%s: no element matches; closest is %s", form, joinIndex(path, closest)))
		if m.dry {
			continue
		}
		// Show the near miss element by element; its mismatches are not the
		// array's, so they are left out of the report.
		t := m.trial()
		t.dry = false
		e, v := t.match(joinIndex(path, closest), c, items[closest])
		pairs = append(pairs, pair{closest, e, v, true, true})
	}
	if whole {
		for j, v := range items {
			if taken[j] < 0 {
				pairs = append(pairs, pair{j: j, act: m.value(v), hasAct: true})
			}
		}
	}
	slices.SortStableFunc(pairs, func(x, y pair) int { return x.j - y.j })
	expView, actView := make([]any, 0, len(pairs)), make([]any, 0, len(pairs))
	for _, p := range pairs {
		if p.hasExp {
			expView = append(expView, p.exp)
		}
		if p.hasAct {
			actView = append(actView, p.act)
		}
	}
	if whole && len(items) != len(n.elems) {
		m.mismatchAt(at, path, n.display(), a, fmt.Sprintf("expected %s in any order, got %d", elements(len(n.elems)), len(items)))
	}
	return expView, actView
}

// typeMismatch records that a at path is not an object or array as n is.
func (m *matcher) typeMismatch(path string, n *node, a gjson.Result) {
	want := "object"
	if n.kind != kindObject {
		want = "array"
	}
	m.mismatch(path, n.display(), a, fmt.Sprintf("expected %s, got %s", article(want), article(typeName(a))))
}

// mismatch records a mismatch at path: exp is the expected view, absent{}
// for none, and a the actual value, which may not exist.
func (m *matcher) mismatch(path string, exp any, a gjson.Result, reason string) {
	m.mismatchAt(len(m.out), path, exp, a, reason)
}

// mismatchAt records a mismatch at index at of the list.
func (m *matcher) mismatchAt(at int, path string, exp any, a gjson.Result, reason string) {
	m.count++
	if m.dry {
		return
	}
	mm := Mismatch{Path: path, Expected: Absent, Actual: Absent, Reason: reason}
	if _, ok := exp.(absent); !ok {
		mm.Expected = render(exp, false)
	}
	if a.Exists() {
		mm.Actual = render(toValue(a), false)
	}
	m.out = slices.Insert(m.out, at, mm)
}

// absent is the expected view of a key that must be absent.
type absent struct{}

// value is the view of a whole actual value; nil in a trial.
func (m *matcher) value(a gjson.Result) any {
	if m.dry {
		return nil
	}
	return toValue(a)
}

// objectMembers returns the members of the object a; the first of duplicate
// keys wins, as with gjson paths.
func objectMembers(a gjson.Result) map[string]gjson.Result {
	out := make(map[string]gjson.Result)
	a.ForEach(func(k, v gjson.Result) bool {
		if _, dup := out[k.Str]; !dup {
			out[k.Str] = v
		}
		return true
	})
	return out
}

// literalMismatch says why a differs from the scalar want, or "".
func literalMismatch(want any, a gjson.Result) string {
	wantType := "null"
	switch want.(type) {
	case string:
		wantType = "string"
	case json.Number:
		wantType = "number"
	case bool:
		wantType = "boolean"
	}
	if got := typeName(a); got != wantType {
		return fmt.Sprintf("expected %s, got %s", article(wantType), article(got))
	}
	switch w := want.(type) {
	case string:
		if w != a.Str {
			return "different value"
		}
	case json.Number:
		if !numbersEqual(string(w), a.Raw) {
			return "different number"
		}
	case bool:
		if w != (a.Type == gjson.True) {
			return "different value"
		}
	}
	return ""
}

// equal reports whether x and y are the same JSON value: numbers compare
// numerically, objects without regard to key order.
func equal(x, y gjson.Result) bool {
	if typeName(x) != typeName(y) {
		return false
	}
	switch {
	case x.Type == gjson.Number:
		return numbersEqual(x.Raw, y.Raw)
	case x.Type == gjson.String:
		return x.Str == y.Str
	case x.IsArray():
		xs, ys := x.Array(), y.Array()
		if len(xs) != len(ys) {
			return false
		}
		for i := range xs {
			if !equal(xs[i], ys[i]) {
				return false
			}
		}
		return true
	case x.IsObject():
		xm, ym := objectMembers(x), objectMembers(y)
		if len(xm) != len(ym) {
			return false
		}
		for k, v := range xm {
			if w, ok := ym[k]; !ok || !equal(v, w) {
				return false
			}
		}
		return true
	}
	return x.Type == y.Type // null, true, false
}

// numbersEqual reports whether the JSON numbers x and y are equal, exactly.
func numbersEqual(x, y string) bool {
	nx, okx := normalNumber(x)
	ny, oky := normalNumber(y)
	if !okx || !oky {
		return x == y
	}
	return nx == ny
}

// number is a JSON number as sign, digits without leading or trailing
// zeros, and the exponent of the last digit: 0.50 is {false, "5", -1}.
type number struct {
	neg    bool
	digits string
	exp    int64
}

// normalNumber normalizes the JSON number s; ok is false for an exponent too
// large to handle.
func normalNumber(s string) (n number, ok bool) {
	if rest, neg := strings.CutPrefix(s, "-"); neg {
		n.neg, s = true, rest
	}
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	if hasExp {
		e, err := strconv.ParseInt(expText, 10, 64)
		if err != nil || e > 1<<62 || e < -1<<62 {
			return number{}, false
		}
		n.exp = e
	}
	n.exp -= int64(len(frac))
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return number{}, true // zero, and -0 is 0
	}
	trimmed := strings.TrimRight(digits, "0")
	n.exp += int64(len(digits) - len(trimmed))
	n.digits = trimmed
	return n, true
}

// typeName is the JSON type of a: "string", "number", "boolean", "null",
// "object" or "array".
func typeName(a gjson.Result) string {
	switch a.Type {
	case gjson.String:
		return "string"
	case gjson.Number:
		return "number"
	case gjson.True, gjson.False:
		return "boolean"
	case gjson.JSON:
		if a.IsArray() {
			return "array"
		}
		return "object"
	}
	return "null"
}

// typeNames maps the words of type placeholders to typeName values.
var typeNames = map[string]string{
	"any": "", "string": "string", "number": "number", "bool": "boolean",
	"array": "array", "object": "object",
}

// article returns a type name with its article: "a string", "an object".
func article(typ string) string {
	switch typ {
	case "null":
		return "null"
	case "object", "array":
		return "an " + typ
	}
	return "a " + typ
}

// elements says "1 element" or "n elements".
func elements(n int) string {
	if n == 1 {
		return "1 element"
	}
	return fmt.Sprintf("%d elements", n)
}

// identifier matches the keys a path shows without quoting.
var identifier = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$\-]*$`)

// joinKey returns the path of the member key of the object at path:
// a.b, or a["two words"].
func joinKey(path, key string) string {
	if !identifier.MatchString(key) {
		return path + "[" + render(key, false) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// joinIndex returns the path of element i of the array at path.
func joinIndex(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// showPath is path for people: the root is "(document)".
func showPath(path string) string {
	if path == "" {
		return "(document)"
	}
	return path
}
