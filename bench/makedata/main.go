// Command makedata writes bench/data.json: the 建议书 template's schema
// example with its 问题清单 extended to 20 rows (see bench.BuildData).
// Every tool in the render speed comparison renders this file.
//
//	go run ./bench/makedata [-root .] [-o bench/data.json]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"log"
	"os"

	"github.com/gongwen/gongwen/bench"
)

func main() {
	root := flag.String("root", ".", "repository root")
	out := flag.String("o", "bench/data.json", "output file")
	flag.Parse()
	data, err := bench.BuildData(*root)
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(data); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s (%s: %d rows)", *out, bench.TableField, bench.Rows)
}
