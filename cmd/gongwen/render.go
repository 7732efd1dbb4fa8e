package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/templates"
)

func runRender(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tplArg := fs.String("template", "", "内置模板 ID（如 监督通知书），或 .docx 模板文件路径")
	dataArg := fs.String("data", "", "数据文件（JSON 对象）；- 表示标准输入")
	example := fs.Bool("example", false, "使用内置模板自带的示例数据")
	out := fs.String("out", "", "输出 .docx 路径（默认：<模板ID>.docx）")
	allowMissing := fs.Bool("allow-missing", false, "缺少的字段按空白输出（默认报错）")
	err := parseFlagsOnly(fs, args)
	if err != nil {
		return err
	}
	if *tplArg == "" {
		return &usageError{"缺少 --template（内置模板 ID 或 .docx 路径；gongwen templates 列出内置模板）"}
	}
	if (*dataArg == "") == !*example {
		return &usageError{"请给出 --data 数据文件，或用 --example 使用示例数据（二者选一）"}
	}
	start := time.Now()
	opts := render.Options{AllowMissing: *allowMissing}
	var doc []byte
	if isTemplatePath(*tplArg) {
		if *example {
			return &usageError{"--example 只适用于内置模板"}
		}
		src, err := os.ReadFile(*tplArg)
		if err != nil {
			return fmt.Errorf("无法读取模板：%w", err)
		}
		data, err := readData(*dataArg, os.Stdin)
		if err != nil {
			return err
		}
		tpl, err := render.Parse(src)
		if err != nil {
			return fmt.Errorf("模板 %s：%w", *tplArg, err)
		}
		opts.Properties = templates.PropertiesOf(data)
		if doc, err = tpl.Render(ctx, data, opts); err != nil {
			return err
		}
		if *out == "" {
			*out = strings.TrimSuffix(filepath.Base(*tplArg), filepath.Ext(*tplArg)) + "-生成.docx"
		}
	} else {
		t, err := templates.Builtin(*tplArg)
		if err != nil {
			return err
		}
		data := t.Example
		if !*example {
			if data, err = readData(*dataArg, os.Stdin); err != nil {
				return err
			}
		}
		if doc, err = t.Render(ctx, data, opts); err != nil {
			return err
		}
		if *out == "" {
			*out = t.ID + ".docx"
		}
	}
	if err := writeFileAtomic(*out, doc); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已生成 %s（%d 字节，用时 %.1f 毫秒）\n", *out, len(doc), float64(time.Since(start).Microseconds())/1000)
	return nil
}
