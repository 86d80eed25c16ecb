package jsonmatch

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/tidwall/gjson"
)

// kind says how a node of the expected document matches.
type kind uint8

const (
	kindLiteral  kind = iota // a scalar to equal: val
	kindObject               // members to match: keys, members
	kindArray                // elements to match one by one, same length: elems
	kindContains             // elements each matching a distinct actual element: elems
	kindType                 // {{any}}, {{string}}, ...: typ, "" for any
	kindAbsent               // {{absent}}
	kindRegex                // {{regex:...}}: re
	kindCapture              // {{capture:name}}: name
)

// node is the expected document, parsed, with references resolved.
type node struct {
	kind    kind
	val     any              // kindLiteral: json.Number, string, bool or nil
	ref     string           // kindLiteral: the variable it came from, if any
	keys    []string         // kindObject: sorted
	members map[string]*node // kindObject
	elems   []*node          // kindArray, kindContains
	typ     string           // kindType: a typeName, or "" for any
	re      *regexp.Regexp   // kindRegex
	name    string           // kindCapture: the variable
	src     string           // placeholder kinds: the placeholder, for display
	ordered bool             // kindArray: written with {{ordered}} first
}

// display is how n shows before it is matched: placeholders as written.
func (n *node) display() any {
	switch n.kind {
	case kindLiteral:
		return n.val
	case kindObject:
		out := make(map[string]any, len(n.keys))
		for _, k := range n.keys {
			if c := n.members[k]; c.kind != kindAbsent {
				out[k] = c.display()
			}
		}
		return out
	case kindArray, kindContains:
		out := make([]any, 0, len(n.elems)+1)
		switch {
		case n.kind == kindContains:
			out = append(out, containsMark)
		case n.ordered:
			out = append(out, orderedMark)
		}
		for _, e := range n.elems {
			out = append(out, e.display())
		}
		return out
	}
	return n.src
}

const (
	containsMark = "{{contains}}"
	orderedMark  = "{{ordered}}"
)

// parser builds the node tree of an expected document.
type parser struct {
	vars Vars
	doc  []byte // the expected document, for hints
}

// parse returns the node for r, found at path. Strings of a literal subtree
// (a referenced variable's value) are taken as they are.
func (p *parser) parse(r gjson.Result, path string, literal bool) (*node, error) {
	switch {
	case r.Type == gjson.String && !literal:
		return p.parseString(r.Str, path)
	case r.IsObject():
		n := &node{kind: kindObject, members: make(map[string]*node)}
		var err error
		r.ForEach(func(k, v gjson.Result) bool {
			key := k.Str
			if !literal {
				if key, err = p.expand(key); err != nil {
					err = fmt.Errorf("key %q: %w", k.Str, err)
					return false
				}
			}
			if _, dup := n.members[key]; dup {
				err = fmt.Errorf("duplicate key %q", key)
				return false
			}
			var c *node
			if c, err = p.parse(v, joinKey(path, key), literal); err != nil {
				return false
			}
			n.keys = append(n.keys, key)
			n.members[key] = c
			return true
		})
		if err != nil {
			return nil, wrapAt(path, err)
		}
		slices.Sort(n.keys)
		return n, nil
	case r.IsArray():
		n := &node{kind: kindArray}
		for i, v := range r.Array() {
			if i == 0 && !literal && v.Type == gjson.String && isPlaceholder(v.Str, "contains") {
				n.kind = kindContains
				continue
			}
			if i == 0 && !literal && v.Type == gjson.String && isPlaceholder(v.Str, "ordered") {
				n.ordered = true
				continue
			}
			c, err := p.parse(v, joinIndex(path, i), literal)
			if err != nil {
				return nil, err
			}
			if c.kind == kindAbsent {
				return nil, wrapAt(joinIndex(path, i), fmt.Errorf("%w {{absent}}: only an object member can be absent", ErrPlaceholder))
			}
			n.elems = append(n.elems, c)
		}
		return n, nil
	}
	return &node{kind: kindLiteral, val: toValue(r)}, nil
}

// parseString returns the node of the string s, found at path: a
// placeholder, a reference, or text with references expanded.
func (p *parser) parseString(s, path string) (*node, error) {
	inner, ok := strings.CutPrefix(s, "{{")
	if ok {
		inner, ok = strings.CutSuffix(inner, "}}")
	}
	if !ok {
		text, err := p.expand(s)
		if err != nil {
			return nil, wrapAt(path, err)
		}
		return &node{kind: kindLiteral, val: text}, nil
	}
	word := strings.TrimSpace(inner)
	switch word {
	case "any", "string", "number", "bool", "array", "object":
		typ := typeNames[word]
		return &node{kind: kindType, typ: typ, src: "{{" + word + "}}"}, nil
	case "absent":
		return &node{kind: kindAbsent, src: "{{absent}}"}, nil
	case "contains", "ordered": // the first element of an array is handled by parse
		return nil, wrapAt(path, fmt.Errorf("%w {{%s}}: it must be the first element of an array", ErrPlaceholder, word))
	}
	if expr, ok := strings.CutPrefix(strings.TrimLeft(inner, " \t"), "regex:"); ok {
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, wrapAt(path, fmt.Errorf("%w %q: %v", ErrPlaceholder, s, err))
		}
		return &node{kind: kindRegex, re: re, src: "{{regex:" + expr + "}}"}, nil
	}
	if name, ok := strings.CutPrefix(word, "capture:"); ok {
		name = strings.TrimSpace(name)
		switch {
		case !varName.MatchString(name):
			return nil, wrapAt(path, fmt.Errorf("%w %q: %q is not a variable name", ErrPlaceholder, s, name))
		case keywords[name]:
			return nil, wrapAt(path, fmt.Errorf("%w %q: %q is a placeholder word, not a variable name", ErrPlaceholder, s, name))
		case p.vars == nil:
			return nil, wrapAt(path, fmt.Errorf("%w %q: a capture needs non-nil Vars", ErrPlaceholder, s))
		}
		return &node{kind: kindCapture, name: name, src: "{{capture:" + name + "}}"}, nil
	}
	if varName.MatchString(word) {
		v, err := p.vars.lookup(word)
		if err != nil {
			return nil, wrapAt(path, p.hint(word, err))
		}
		n, err := p.parse(v, path, true)
		if err != nil {
			return nil, err
		}
		if n.kind == kindLiteral {
			n.ref = word
		}
		return n, nil
	}
	// Not a placeholder ("{{a}}/{{b}}", "{{ not one }}"): text.
	text, err := p.expand(s)
	if err != nil {
		return nil, wrapAt(path, err)
	}
	return &node{kind: kindLiteral, val: text}, nil
}

// expand expands the references in text.
func (p *parser) expand(text string) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	for _, m := range reference.FindAllStringSubmatch(text, -1) {
		if _, ok := p.vars[m[1]]; !ok && !keywords[m[1]] {
			return "", p.hint(m[1], p.vars.unbound(m[1]))
		}
	}
	return Expand(text, p.vars)
}

// hint adds to err, about the unbound variable name, the likely cause when
// the same document captures name.
func (p *parser) hint(name string, err error) error {
	if bytes.Contains(p.doc, []byte("capture:"+name)) {
		return fmt.Errorf("%w; this document captures %s, but a capture binds only once the whole match succeeds: capture it twice to require the same value twice", err, name)
	}
	return err
}

// isPlaceholder reports whether s is the placeholder {{word}}.
func isPlaceholder(s, word string) bool {
	inner, ok := strings.CutPrefix(s, "{{")
	if ok {
		inner, ok = strings.CutSuffix(inner, "}}")
	}
	return ok && strings.TrimSpace(inner) == word
}

// wrapAt adds the path to an error about the expected document.
func wrapAt(path string, err error) error {
	if _, ok := err.(*pathError); ok {
		return err
	}
	return &pathError{path: path, err: err}
}

// pathError is an error about the expected document at path.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string {
	return fmt.Sprintf("expected JSON at %s: %v", showPath(e.path), e.err)
}

func (e *pathError) Unwrap() error { return e.err }
