// Package fences holds no code: its test is the one table of the import
// fences of gwsmock (the one-way dependencies of the house style). Each row
// names a package pattern, what it must not import, and why; a new fence is
// one row in fences_test.go.
package fences
