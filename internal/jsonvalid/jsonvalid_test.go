package jsonvalid

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

var cases = []string{
	``, ` `, `{}`, `[]`, ` {} `, `{"a":1}`, `{"a" : 1 }`, `[1,2,3]`, `[1,]`, `{"a":1,}`, `{,}`, `[,1]`,
	`"x"`, `"\u00e9\n\t\"\\\/"`, `"\u00g0"`, `"\x"`, "\"a\x01\"", "\"\xff\xfe\"", `"unterminated`, `"\u12`,
	`0`, `-0`, `01`, `-`, `1.`, `1.5`, `.5`, `1e5`, `1E+5`, `1e-05`, `1e`, `1e+`, `-01`, `2.5e3x`, `123456789012345678901234567890`,
	`true`, `false`, `null`, `tru`, `nul`, `truex`, `True`, `[true,false,null]`,
	`{"a":[{"b":{"c":[]}}]}`, `{"a" "b"}`, `{"a":}`, `{a:1}`, `[1 2]`, `[1] [2]`, `{} x`, `{"a":1]`, `[1}`,
	"{\n  \"a\": [1, 2],\r\n\t\"b\": null\n}\n", `{"a":"x y"}`, `[ ]`, `{ }`, `]`, `}`, `:`, `,`,
	`{"properties":{"loadgen":"lg-1"},"email_object":{"subject":"<b>&</b> \u2028"}}`,
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000),
	strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001),
}

func TestAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range cases {
		check(t, []byte(c))
	}
}

func FuzzAgreesWithEncodingJSON(f *testing.F) {
	for _, c := range cases {
		if len(c) < 1000 {
			f.Add([]byte(c))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) { check(t, b) })
}

func check(t *testing.T, b []byte) {
	t.Helper()
	valid, compact := Check(b)
	if want := json.Valid(b); valid != want {
		t.Fatalf("Check(%.80q) valid = %v, json.Valid = %v", b, valid, want)
	}
	if Valid(b) != valid {
		t.Fatalf("Valid(%.80q) != Check", b)
	}
	if !valid {
		return
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatalf("json.Compact(%.80q): %v", b, err)
	}
	if want := bytes.Equal(out.Bytes(), b); compact != want {
		t.Fatalf("Check(%.80q) compact = %v, json.Compact leaves it unchanged: %v", b, compact, want)
	}
}

func BenchmarkCheck(b *testing.B) {
	doc := []byte(`{"statusCode":0,"interactions":[` + strings.Repeat(`{"messageTypeName":"InteractionStateMessage","id":"00009a8T8Y130123","channel":"email","state":"Processing","capabilities":["StopProcessing","PlaceInQueue"],"participants":[{"userId":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","role":"Owner"}],"properties":{"n":1.5e3,"ok":true,"x":null},"email_object":{"subject":"Where is my order? \u00e9"}},`, 3) + `{}]}`)
	b.Run("jsonvalid", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			if ok, _ := Check(doc); !ok {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			if !json.Valid(doc) {
				b.Fatal("invalid")
			}
		}
	})
}
