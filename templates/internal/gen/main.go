// Command gen writes the built-in .docx templates into a directory
// (default "builtin"). It is run by `go generate ./templates`.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gongwen/gongwen/templates/internal/build"
)

func main() {
	out := flag.String("out", "builtin", "directory to write <id>.docx into")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for _, d := range build.Docs() {
		b, err := d.Docx()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(filepath.Join(*out, d.ID+".docx"), b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}
