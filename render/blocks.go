package render

import (
	"strings"
)

// blockOpeners are the Jinja statements that need an end tag.
var blockOpeners = map[string]bool{
	"if": true, "for": true, "macro": true, "call": true, "filter": true, "with": true,
	"autoescape": true, "raw": true, "block": true, "trans": true,
}

// middles are the statements that may stand inside a block, by block.
var middles = map[string][]string{
	"elif": {"if"}, "else": {"if", "for"}, "pluralize": {"trans"},
}

// knownStatements are the statements a document template may use.
var knownStatements = map[string]bool{
	"if": true, "elif": true, "else": true, "endif": true, "for": true, "endfor": true,
	"macro": true, "endmacro": true, "call": true, "endcall": true, "filter": true,
	"endfilter": true, "set": true, "endset": true, "with": true, "endwith": true,
	"autoescape": true, "endautoescape": true, "raw": true, "endraw": true,
	"block": true, "endblock": true, "trans": true, "pluralize": true, "endtrans": true,
	"do": true, "break": true, "continue": true,
}

// openBlock is a block statement waiting for its end tag.
type openBlock struct {
	name string
	tag  *tagInfo
}

// checkBlocks checks that the statement tags of a part nest properly and
// are known, reporting every problem with its location — gonja's parser
// stops at the first, and a person fixing a template wants them all.
func checkBlocks(js *jinjaSource) TemplateErrors {
	var errs TemplateErrors
	var stack []openBlock
	inRaw := false
	for _, sp := range js.spans {
		t := sp.tag
		if t.delim != '%' {
			continue
		}
		fields := strings.Fields(t.body)
		if len(fields) == 0 {
			errs = append(errs, &TemplateError{Loc: *t.loc, Tag: t.text, Msg: "空的语句标签"})
			continue
		}
		word := fields[0]
		if inRaw {
			if word == "endraw" {
				inRaw = false
				stack = stack[:len(stack)-1]
			}
			continue
		}
		for _, r := range refusedStructures {
			if word == r {
				errs = append(errs, &TemplateError{Loc: *t.loc, Tag: t.text, Msg: "不允许使用 " + r + "：模板不能读取其他文件"})
			}
		}
		if _, ok := cellTagNames[word]; ok {
			errs = append(errs, &TemplateError{Loc: *t.loc, Tag: t.text, Msg: "该标签必须位于表格单元格之内"})
			continue
		}
		switch {
		case word == "set":
			// {% set x = v %} stands alone; {% set x %}…{% endset %} is a block.
			if !strings.Contains(t.body, "=") {
				stack = append(stack, openBlock{"set", t})
			}
		case blockOpeners[word]:
			stack = append(stack, openBlock{word, t})
			if word == "raw" {
				inRaw = true
			}
		case strings.HasPrefix(word, "end") && knownStatements[word]:
			want := strings.TrimPrefix(word, "end")
			if len(stack) == 0 {
				errs = append(errs, &TemplateError{Loc: *t.loc, Tag: t.text, Msg: "多余的 {% " + word + " %}：前面没有对应的 {% " + want + " %}"})
				continue
			}
			top := stack[len(stack)-1]
			if top.name != want {
				errs = append(errs, &TemplateError{Loc: *t.loc, Tag: t.text,
					Msg: "{% " + word + " %} 不能结束 " + top.tag.text + "（位于" + top.tag.loc.String() + "），应先写 {% end" + top.name + " %}"})
				// Resynchronise: drop the block this end tag closes, if open.
				for k := len(stack) - 1; k >= 0; k-- {
					if stack[k].name == want {
						stack = stack[:k]
						break
					}
				}
				continue
			}
			stack = stack[:len(stack)-1]
		case middles[word] != nil:
			ok := false
			if len(stack) > 0 {
				for _, p := range middles[word] {
					if stack[len(stack)-1].name == p {
						ok = true
					}
				}
			}
			if !ok {
				errs = append(errs, &TemplateError{Loc: *t.loc, Tag: t.text, Msg: "{% " + word + " %} 必须位于 {% " + strings.Join(middles[word], " %} 或 {% ") + " %} 之内"})
			}
		case !knownStatements[word] && !isRefused(word):
			errs = append(errs, &TemplateError{Loc: *t.loc, Tag: t.text, Msg: "未知的语句“" + word + "”"})
		}
	}
	for _, b := range stack {
		errs = append(errs, &TemplateError{Loc: *b.tag.loc, Tag: b.tag.text, Msg: "没有对应的 {% end" + b.name + " %}"})
	}
	return errs
}

// cellTagNames are docxtpl's cell extensions; reaching checkBlocks means
// one stood outside a table cell.
var cellTagNames = map[string]struct{}{"colspan": {}, "cellbg": {}, "vm": {}, "hm": {}}

func isRefused(word string) bool {
	for _, r := range refusedStructures {
		if word == r {
			return true
		}
	}
	return false
}
