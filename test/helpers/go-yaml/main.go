// Reads a multi-document YAML stream from stdin the way kubectl does and
// prints each document as one line of JSON (null for an empty document).
//
// Documents are split as k8s.io/apimachinery's YAMLReader splits them (a line
// starting with "---" followed by nothing but blanks or a comment), and each
// is converted by sigs.k8s.io/yaml (go-yaml v2 underneath), kubectl's reader.
// Built by test/helpers/go-yaml.ts with Debian's golang-go and
// golang-k8s-sigs-yaml-dev (GOPATH mode, /usr/share/gocode).
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

func isSeparator(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("---")) {
		return false
	}
	rest := strings.TrimSpace(string(line[3:]))
	return rest == "" || strings.HasPrefix(rest, "#")
}

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var docs [][]byte
	var cur []byte
	for _, line := range bytes.SplitAfter(in, []byte("\n")) {
		if isSeparator(bytes.TrimRight(line, "\n")) {
			docs = append(docs, cur)
			cur = nil
			continue
		}
		cur = append(cur, line...)
	}
	docs = append(docs, cur)
	for i, d := range docs {
		j, err := yaml.YAMLToJSON(d)
		if err != nil {
			fmt.Fprintf(os.Stderr, "document %d: %v\n", i, err)
			os.Exit(1)
		}
		os.Stdout.Write(j)
		os.Stdout.Write([]byte("\n"))
	}
}
