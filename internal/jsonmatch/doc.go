// Package jsonmatch owns partial JSON matching with placeholders and the
// readable report of a failed match: the paths that differ and a unified diff
// of canonical JSON. The conformance runner uses it to compare REST responses
// and CometD notifications with the documents QA engineers write in Gherkin
// docstrings, and to expand {{var}} references in one place (see [Expand]).
//
// # Matching
//
// An expected document states only what matters:
//
//   - An object matches when every key it names matches in the actual object;
//     the actual object may have more keys.
//   - An array matches element by element and must have the same length,
//     unless its first element is the string "{{contains}}": then every
//     other element must match a distinct element of the actual array, in any
//     order, and the actual array may have more elements.
//   - Scalars match by JSON equality; numbers compare numerically and
//     exactly (1, 1.0 and 1e0 are equal).
//
// [Options] loosen this where a contract leaves things open: the arrays
// under the keys [Options.Sets] names are compared as sets (same length, any
// order) unless written with "{{ordered}}" first, and with
// [Options.NullIsAbsent] {{absent}} accepts a member whose value is null
// (outside the free objects [Options.FreeObjects] names).
//
// # Placeholders
//
// A string value of the expected document that is exactly one of these
// (spaces inside the braces are allowed) is a placeholder:
//
//	"{{any}}"             any value, null included; the key must be present
//	"{{string}}"          a string
//	"{{number}}"          a number
//	"{{bool}}"            true or false
//	"{{array}}"           an array
//	"{{object}}"          an object
//	"{{absent}}"          the key must not be present (object members only)
//	"{{regex:RE}}"        a string that RE (Go syntax, unanchored) matches
//	"{{capture:name}}"    any value, bound to the variable name; when name is
//	                      already bound the value must equal it
//	"{{name}}"            the value of the variable name, with its JSON type:
//	                      a captured number stays a number
//	["{{contains}}", ...] (first array element) the "contains" form above
//	["{{ordered}}", ...]  (first array element) in order, even under a key
//	                      that [Options.Sets] names
//
// Inside other text, a reference is replaced by the variable's text (a string
// without its quotes, anything else as compact JSON):
// "/interactions/{{id}}" becomes "/interactions/00009a8T8Y130123". Object keys
// are expanded the same way. Variable names are letters, digits, '_', '.'
// and '-', starting with a letter or '_'; the placeholder words above are
// reserved.
//
// There is no escape: a string that is exactly a placeholder cannot be
// matched literally, except through a variable holding it (a variable's
// value is never read as a placeholder).
//
// A reference sees the variables bound before the call: a capture binds only
// when the whole match succeeds, so a failed attempt (a notification that is
// not the awaited one) leaves the variables untouched. To require the same
// value twice in one document, capture the same name twice.
//
// # Reports
//
// A [Result] lists each [Mismatch] with its path, like
// interaction.participants[1].role, and renders a unified diff of the
// canonical JSON (sorted keys, two-space indent) of both documents. The
// expected side shows the actual value wherever a placeholder matched, and
// the actual side keeps only what the expected document mentions, so that
// the diff shows the real differences and nothing else. A "contains" array
// shows its matched elements in the actual order, and an element without a
// match against the closest element left over.
package jsonmatch
