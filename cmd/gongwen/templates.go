package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/templates"
)

func runTemplates(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("templates", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出（每个模板的 id、name、文种、字段和完整示例数据）")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	all, err := templates.Builtins()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := jsonOut(stdout)
		return enc.Encode(all)
	}
	for _, t := range all {
		fmt.Fprintf(stdout, "%s\t%s（%s，第%d版）\n", t.ID, t.Name, t.WenZhong, t.Version)
		for _, f := range t.Fields {
			writeField(stdout, f, "    ")
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

func writeField(w io.Writer, f templates.Field, indent string) {
	mark := "  "
	if f.Required {
		mark = "* "
	}
	src := ""
	switch {
	case f.Profile:
		src = "（机关信息）"
	case f.Registry:
		src = "（文号登记）"
	}
	fmt.Fprintf(w, "%s%s%s [%s] %s%s\n", indent, mark, f.Name, f.Type, f.Label, src)
	for _, c := range append(f.Columns, f.Fields...) {
		writeField(w, c, indent+"    ")
	}
}

func runTemplate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		return &usageError{"用法：gongwen template check 模板.docx [--json]"}
	}
	fs := flag.NewFlagSet("template check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"用法：gongwen template check 模板.docx [--json]"}
	}
	path := pos[0]
	var src []byte
	if isTemplatePath(path) {
		src, err = os.ReadFile(path)
	} else {
		var t *templates.Template
		if t, err = templates.Builtin(path); err == nil {
			src = t.Docx
		}
	}
	if err != nil {
		return err
	}
	rep, err := render.Check(src)
	if err != nil {
		return fmt.Errorf("%s：%w", path, err)
	}
	if *asJSON {
		type jerr struct {
			Where string `json:"where"`
			Tag   string `json:"tag,omitempty"`
			Error string `json:"error"`
		}
		out := struct {
			OK        bool     `json:"ok"`
			Errors    []jerr   `json:"errors"`
			Variables []string `json:"variables"`
		}{OK: len(rep.Errors) == 0, Errors: []jerr{}, Variables: rep.Variables}
		for _, e := range rep.Errors {
			out.Errors = append(out.Errors, jerr{e.Loc.String(), e.Tag, e.Msg})
		}
		enc := jsonOut(stdout)
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		if len(rep.Errors) == 0 {
			fmt.Fprintf(stdout, "%s：没有发现错误\n", path)
		} else {
			fmt.Fprintf(stdout, "%s：发现 %d 处错误\n", path, len(rep.Errors))
			for _, e := range rep.Errors {
				fmt.Fprintf(stdout, "  - %s\n", e)
			}
		}
		fmt.Fprintf(stdout, "使用的变量（%d 个）：%s\n", len(rep.Variables), strings.Join(rep.Variables, "、"))
	}
	if len(rep.Errors) > 0 {
		return &problemsError{}
	}
	return nil
}

func runText(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("text", flag.ContinueOnError)
	fs.SetOutput(stderr)
	headers := fs.Bool("headers", false, "同时输出页眉页脚（以 [页眉] [页脚] 标出）")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"用法：gongwen text 文件.docx"}
	}
	src, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	txt, err := render.ExtractText(src, render.TextOptions{Headers: *headers})
	if err != nil {
		return fmt.Errorf("%s：%w", pos[0], err)
	}
	_, err = fmt.Fprintln(stdout, txt)
	return err
}
