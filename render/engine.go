package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/builtins"
	controlStructures "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
)

// Template is a parsed .docx template. Parse it once and render it as often
// as needed; a Template is safe for concurrent use.
type Template struct {
	docx   *docxFile
	limits Limits
	env    *exec.Environment
	parts  []*compiledPart
	vars   []string
	zip    zipPools
}

// compiledPart is one XML part of the template compiled to Jinja.
type compiledPart struct {
	name     string
	js       *jinjaSource
	tpl      *exec.Template
	lineTags map[int]*tagInfo
}

// Properties are document properties written into docProps/core.xml after
// rendering. Empty fields leave the template's value as it is.
type Properties struct {
	Title       string // dc:title: the document's 标题
	Identifier  string // dc:identifier: the 发文字号
	Subject     string // dc:subject
	Creator     string // dc:creator: the issuing office
	Keywords    string // cp:keywords
	Description string // dc:description
}

// Options adjust one render.
type Options struct {
	// AllowMissing prints values the data lacks as empty text, as docxtpl
	// does, instead of failing with a MissingFieldsError.
	AllowMissing bool
	// Properties are set in docProps/core.xml after rendering.
	Properties Properties
	// DryRun renders every part and reports every error, but writes no
	// .docx (Render returns nil bytes): a check before taking a number.
	DryRun bool
	// Media replaces the bytes of images the template already holds, by
	// their name in the .docx (e.g. "word/media/chart.png"), as docxtpl's
	// replace_zipname does. The template places and sizes the image (a
	// <w:drawing> whose relationship targets the part); only the pixels
	// change. Each name must be an existing part under word/media/, and the
	// new bytes must be an image of the format its extension says, so the
	// declared content type stays true. See MediaParts.
	Media map[string][]byte
}

// Parse reads a .docx template with the default limits. A template with
// errors returns TemplateErrors listing every one found, each with where it
// stands in the document.
func Parse(docx []byte) (*Template, error) {
	return ParseWithLimits(docx, DefaultLimits())
}

// ParseWithLimits is Parse with explicit limits.
func ParseWithLimits(docx []byte, lim Limits) (*Template, error) {
	t, errs, err := parse(docx, lim)
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

// CheckReport is what Check finds in a template.
type CheckReport struct {
	Errors    TemplateErrors // every problem, with where it is
	Variables []string       // the data fields the template uses, sorted
}

// Check reads a template and reports all its errors and the variables it
// uses. The error return is for input that is not a usable .docx at all.
func Check(docx []byte) (*CheckReport, error) {
	t, errs, err := parse(docx, DefaultLimits())
	if err != nil {
		return nil, err
	}
	return &CheckReport{Errors: errs, Variables: t.vars}, nil
}

// parse compiles every part, returning the template (with the variables of
// the parts that compiled) and all template errors found.
func parse(docx []byte, lim Limits) (*Template, TemplateErrors, error) {
	d, err := openDocx(docx, lim)
	if err != nil {
		return nil, nil, err
	}
	t := &Template{docx: d, limits: lim, env: newEnvironment()}
	var errs TemplateErrors
	vars := map[string]bool{}
	for _, name := range d.templateParts() {
		src, err := d.read(name, lim)
		if err != nil {
			return nil, nil, err
		}
		if !strings.Contains(src, "{") {
			if _, err := tokenize(src); err != nil {
				return nil, nil, fmt.Errorf("%w：%s 不是有效的 XML（%v）", ErrNotDocx, name, err)
			}
			continue
		}
		cp, perrs, err := compilePart(name, src, t.env, vars)
		if err != nil {
			return nil, nil, err
		}
		errs = append(errs, perrs...)
		if cp != nil {
			t.parts = append(t.parts, cp)
		}
	}
	for v := range vars {
		t.vars = append(t.vars, v)
	}
	sort.Strings(t.vars)
	return t, errs, nil
}

// Variables returns the names of the data fields the template uses, sorted.
func (t *Template) Variables() []string {
	return append([]string(nil), t.vars...)
}

// compilePart turns one XML part into an instrumented Jinja template. It
// returns nil without error when the part holds no tags.
func compilePart(name, src string, env *exec.Environment, vars map[string]bool) (*compiledPart, TemplateErrors, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, nil, fmt.Errorf("%w：%s 不是有效的 XML（%v）", ErrNotDocx, name, err)
	}
	word := strings.HasPrefix(name, "word/")
	toks, errs := splitTags(name, toks, word)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	hasTag := false
	for _, tk := range toks {
		if tk.kind == tkTag {
			hasTag = true
			break
		}
	}
	if !hasTag {
		return nil, nil, nil
	}
	if word {
		toks = mergeParagraphs(toks)
		if toks, errs = applyCellTags(toks, "colspan cellbg"); len(errs) > 0 {
			return nil, errs, nil
		}
		if toks, errs = applyStructural(toks); len(errs) > 0 {
			return nil, errs, nil
		}
		if toks, errs = applyCellTags(toks, "vm hm"); len(errs) > 0 {
			return nil, errs, nil
		}
	} else {
		for _, tk := range toks {
			if tk.kind == tkTag {
				tk.tag.level = ""
			}
		}
	}
	js := emitJinja(toks)
	if errs := checkBlocks(js); len(errs) > 0 {
		return nil, errs, nil
	}
	cp := &compiledPart{name: name, js: js, lineTags: map[int]*tagInfo{}}
	line := 1
	prev := 0
	for _, sp := range js.spans {
		line += strings.Count(js.src[prev:sp.start], "\n")
		prev = sp.start
		// writeTag gives each tag's body a line of its own.
		cp.lineTags[line] = sp.tag
	}
	tpl, err := exec.NewTemplate(name, jinjaConfig(), sourceLoader{name: name, src: js.src}, env)
	if err != nil {
		return nil, TemplateErrors{cp.syntaxError(err)}, nil
	}
	cp.tpl = tpl
	if errs := cp.instrument(tpl.Root(), env, vars); len(errs) > 0 {
		return nil, errs, nil
	}
	return cp, nil, nil
}

// jinjaConfig is gonja's configuration for document parts: no autoescape
// (the engine escapes every printed value itself) and the source's
// newlines kept exactly.
func jinjaConfig() *config.Config {
	c := config.New()
	c.KeepTrailingNewline = true
	return c
}

// sourceLoader serves the one template source and refuses every other
// name, so no template can read a file.
type sourceLoader struct{ name, src string }

func (l sourceLoader) Read(path string) (io.Reader, error) {
	if path != l.name {
		return nil, fmt.Errorf("模板不能读取其他文件（%s）", path)
	}
	return strings.NewReader(l.src), nil
}
func (l sourceLoader) Resolve(path string) (string, error) { return path, nil }
func (l sourceLoader) Inherit(string) (loaders.Loader, error) {
	return nil, errors.New("模板不能读取其他文件")
}

// syntaxError maps a gonja parse error to the tag it concerns. gonja's
// own message embeds the whole source; only its essence is kept.
func (cp *compiledPart) syntaxError(err error) *TemplateError {
	var se *parser.SyntaxError
	msg := err.Error()
	var tag *tagInfo
	if errors.As(err, &se) {
		msg = se.Message
		tag = cp.lineTags[se.Line]
		if off := offsetOf(cp.js.src, se.Line, se.Column); off >= 0 {
			if t := cp.js.tagAt(off); t != nil {
				tag = t
			}
		}
	} else {
		msg = gonjaEssence(msg)
	}
	if tag == nil {
		return &TemplateError{Loc: Location{Part: cp.name}, Msg: "语法错误：" + msg}
	}
	return &TemplateError{Loc: *tag.loc, Tag: tag.text, Msg: "语法错误：" + msg}
}

// offsetOf converts a 1-based line and column into a byte offset.
func offsetOf(src string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		k := strings.IndexByte(src[off:], '\n')
		if k < 0 {
			return -1
		}
		off += k + 1
	}
	if col > 0 {
		off += col - 1
	}
	if off > len(src) {
		return -1
	}
	return off
}

var atLine = regexp.MustCompile(`at line (\d+)`)

// gonjaEssence keeps the innermost part of a gonja error chain.
func gonjaEssence(msg string) string {
	if k := strings.LastIndex(msg, "failed to parse template '"); k >= 0 {
		if e := strings.LastIndex(msg, "': "); e > k {
			msg = msg[e+3:]
		}
	}
	locs := atLine.FindAllStringIndex(msg, -1)
	if len(locs) > 0 {
		msg = msg[locs[len(locs)-1][1]:]
		if k := strings.Index(msg, ": "); k >= 0 {
			msg = msg[k+2:]
		}
	}
	if k := strings.LastIndex(msg, ": "); k >= 0 && len(msg)-k > 8 {
		msg = msg[k+2:]
	}
	return strings.TrimSpace(msg)
}

// runtimeError maps an execution error to the tag that raised it.
func (cp *compiledPart) runtimeError(err error) error {
	var te *TemplateError
	if errors.As(err, &te) {
		return te
	}
	var le *limitError
	if errors.As(err, &le) {
		return le
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	msg := err.Error()
	var tag *tagInfo
	if m := atLine.FindAllStringSubmatch(msg, -1); len(m) > 0 {
		n, _ := strconv.Atoi(m[len(m)-1][1])
		for l := n; l >= 1 && tag == nil; l-- {
			tag = cp.lineTags[l]
		}
	}
	out := &TemplateError{Loc: Location{Part: cp.name}, Msg: "渲染出错：" + gonjaEssence(msg)}
	if tag != nil {
		out.Loc, out.Tag = *tag.loc, tag.text
	}
	return out
}

// refusedStructures are Jinja statements that would read other files.
var refusedStructures = []string{"include", "import", "from", "extends"}

// newEnvironment builds a fresh gonja environment for one template: the
// builtin filters plus the project's, no statement that reads files, and a
// bounded range().
func newEnvironment() *exec.Environment {
	filters := exec.NewFilterSet(map[string]exec.FilterFunction{})
	filters.Update(builtins.Filters)
	for name, fn := range projectFilters() {
		if filters.Exists(name) {
			_ = filters.Replace(name, fn)
		} else {
			_ = filters.Register(name, fn)
		}
	}
	cs := exec.NewControlStructureSet(map[string]parser.ControlStructureParser{})
	cs.Update(builtins.ControlStructures)
	for _, name := range refusedStructures {
		n := name
		_ = cs.Replace(n, func(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
			return nil, p.Error("不允许使用 "+n+"：模板不能读取其他文件", p.Current())
		})
	}
	ctx := exec.EmptyContext().Update(builtins.GlobalFunctions).Update(builtins.GlobalVariables)
	ctx.Set("range", boundedRange)
	ctx.Set(crName, "\r")
	return &exec.Environment{
		Context:           ctx,
		Filters:           filters,
		Tests:             builtins.Tests,
		ControlStructures: cs,
		Methods:           builtins.Methods,
	}
}

// maxRange bounds range(): no document needs more rows than this.
const maxRange = 100_000

// boundedRange is Jinja's range() returning a list, refusing huge ranges.
func boundedRange(_ *exec.Evaluator, params *exec.VarArgs) ([]int, error) {
	var start, stop, step = 0, 0, 1
	args := params.Args
	for _, a := range args {
		if !a.IsInteger() {
			return nil, errors.New("range() 的参数必须是整数")
		}
	}
	switch len(args) {
	case 1:
		stop = args[0].Integer()
	case 2:
		start, stop = args[0].Integer(), args[1].Integer()
	case 3:
		start, stop, step = args[0].Integer(), args[1].Integer(), args[2].Integer()
	default:
		return nil, errors.New("range() 需要 1 到 3 个整数参数")
	}
	if step == 0 {
		return nil, errors.New("range() 的步长不能为 0")
	}
	n := 0
	if step > 0 && stop > start {
		n = (stop - start + step - 1) / step
	} else if step < 0 && start > stop {
		n = (start - stop - step - 1) / -step
	}
	if n > maxRange {
		return nil, fmt.Errorf("range() 产生 %d 项，超过上限 %d", n, maxRange)
	}
	out := make([]int, n)
	for i := range out {
		out[i] = start + i*step
	}
	return out, nil
}

// stateKey is the context name under which a render's state travels to the
// engine's filters. It is not a valid name to type in a template by accident.
const stateKey = "__gongwen_render_state__"

// renderState is what one call of Render accumulates.
type renderState struct {
	ctx          context.Context
	lim          Limits
	allowMissing bool
	missing      []MissingField
	seen         map[string]bool
	loops        int
	safe         bool // a value marked safe was printed: check the output fully
}

// partState is the state seen by filters while one part executes.
type partState struct {
	rs   *renderState
	part *compiledPart
}

// limitError reports a render stopped by a limit.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

func stateOf(e *exec.Evaluator) *partState {
	v, ok := e.Environment.Context.Get(stateKey)
	if !ok {
		return nil
	}
	ps, _ := v.(*partState)
	return ps
}

// missingName is the field named by a print tag: its expression without
// filters.
func missingName(t *tagInfo) string {
	body := strings.TrimSpace(t.body)
	if k := strings.Index(body, "|"); k >= 0 {
		body = strings.TrimSpace(body[:k])
	}
	return body
}

func (rs *renderState) noteMissing(t *tagInfo) {
	name := missingName(t)
	if rs.seen[name] {
		return
	}
	rs.seen[name] = true
	rs.missing = append(rs.missing, MissingField{Name: name, Loc: *t.loc})
}

// siteOf returns the render state and the site an engine filter was
// called for, or an error value when the render is cancelled or the call
// does not come from the engine.
func siteOf(e *exec.Evaluator, params *exec.VarArgs) (*partState, *site, *exec.Value) {
	ps := stateOf(e)
	if ps == nil || len(params.Args) != 1 {
		return nil, nil, exec.AsValue(errors.New("内部错误：缺少渲染状态"))
	}
	if err := ps.rs.ctx.Err(); err != nil {
		return nil, nil, exec.AsValue(err)
	}
	s, ok := ps.part.js.sites[params.Args[0].Integer()]
	if !ok {
		return nil, nil, exec.AsValue(errors.New("内部错误：未知的标签位置"))
	}
	return ps, s, nil
}

// outFilter is applied to every value a template prints: it notes missing
// values, escapes everything not marked safe, turns \n \a \t \f into
// markers that post-processing makes Word breaks, and wraps values printed
// by {{r }} and {{p }} in a run or paragraph.
func outFilter(e *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	ps, s, fail := siteOf(e, params)
	if fail != nil {
		return fail
	}
	if in.IsError() {
		return in
	}
	if in.IsNil() {
		if !ps.rs.allowMissing && !s.tag.generated {
			ps.rs.noteMissing(s.tag)
		} else if s.tag.generated && !ps.rs.allowMissing {
			return exec.AsValue(&TemplateError{Loc: *s.tag.loc, Tag: s.tag.text, Msg: "该标签只能用在 {%tc for %} 或 {%tr for %} 循环之内"})
		}
		return exec.AsSafeValue("")
	}
	var text string
	if in.Safe {
		text = sanitizeSafe(in.String())
		ps.rs.safe = ps.rs.safe || text != ""
	} else {
		text = escapeValue(in.String())
	}
	if len(text) > ps.rs.lim.MaxValueBytes {
		return exec.AsValue(&limitError{fmt.Sprintf("%s：值长 %d 字节，超过上限 %d", s.tag.loc, len(text), ps.rs.lim.MaxValueBytes)})
	}
	if s.wrapPre != "" {
		text = s.wrapPre + text + s.wrapPost
	}
	return exec.AsSafeValue(text)
}

// iterFilter is applied to the iterable of every {% for %}: a missing
// list is a missing field, and loop iterations are counted against the
// limit so no template can loop for ever.
func iterFilter(e *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	ps, s, fail := siteOf(e, params)
	if fail != nil {
		return fail
	}
	if in.IsNil() {
		if !ps.rs.allowMissing {
			ps.rs.noteMissing(forIterable(s.tag))
		}
		return exec.AsValue([]any{})
	}
	if in.IsError() {
		return in
	}
	if in.IsList() || in.IsDict() || in.IsString() {
		ps.rs.loops += in.Len()
	}
	if ps.rs.loops > ps.rs.lim.MaxLoopIterations {
		return exec.AsValue(&limitError{fmt.Sprintf("%s：循环次数超过上限 %d", s.tag.loc, ps.rs.lim.MaxLoopIterations)})
	}
	return in
}

var forRe = regexp.MustCompile(`^\s*for\s+.+?\s+in\s+(.+?)(\s+if\s+.*|\s+recursive\s*)?$`)

// forIterable returns a tag whose "expression" is the iterable of a for
// tag, for naming it as a missing field.
func forIterable(t *tagInfo) *tagInfo {
	c := *t
	if m := forRe.FindStringSubmatch(t.body); m != nil {
		c.body = m[1]
	}
	return &c
}

// instrument rewrites the parsed template: every print goes through
// outFilter, every for-loop iterable through iterFilter. It also checks
// filters and tests exist, and collects the variables used.
func (cp *compiledPart) instrument(root *nodes.Template, env *exec.Environment, vars map[string]bool) TemplateErrors {
	var errs TemplateErrors
	used := map[string]bool{}
	bound := map[string]bool{}
	wrap := func(expr nodes.Expression, filter string, key int, tok any) nodes.Expression {
		fc := &nodes.FilterCall{Name: filter, Args: []nodes.Expression{&nodes.Integer{Val: key}}}
		if t, ok := tok.(*nodes.Output); ok {
			fc.Token = t.Start
			fc.Args[0].(*nodes.Integer).Location = t.Start
		}
		return &nodes.FilteredExpression{Expression: expr, Filters: []*nodes.FilterCall{fc}}
	}
	tagErr := func(pos int, msg string) {
		t := cp.js.tagAt(pos)
		if t == nil {
			errs = append(errs, &TemplateError{Loc: Location{Part: cp.name}, Msg: msg})
			return
		}
		errs = append(errs, &TemplateError{Loc: *t.loc, Tag: t.text, Msg: msg})
	}
	walkNodes(root, func(n any) {
		switch x := n.(type) {
		case *nodes.Output:
			if x.Start == nil {
				return
			}
			if _, ok := cp.js.sites[x.Start.Pos]; !ok {
				return // a literal "{" written by the engine
			}
			x.Expression = wrap(x.Expression, "_gw_out", x.Start.Pos, x)
			if x.Alternative != nil {
				x.Alternative = wrap(x.Alternative, "_gw_out", x.Start.Pos, x)
			}
		case *nodes.ControlStructureBlock:
			if f, ok := x.ControlStructure.(*controlStructures.ForControlStructure); ok && x.Location != nil {
				pos := x.Location.Pos
				if t := cp.js.tagAt(pos); t != nil {
					cp.js.sites[-1-pos] = &site{tag: t}
					f.ObjectEvaluator = wrap(f.ObjectEvaluator, "_gw_iter", -1-pos, nil)
				}
				bound[f.Key] = true
				if f.Value != "" {
					bound[f.Value] = true
				}
			}
		case *nodes.FilterCall:
			if !env.Filters.Exists(x.Name) && x.Token != nil {
				tagErr(x.Token.Pos, "未知的过滤器“"+x.Name+"”")
			}
		case *nodes.TestCall:
			if !env.Tests.Exists(x.Name) && x.Token != nil {
				tagErr(x.Token.Pos, "未知的测试“"+x.Name+"”")
			}
		case *nodes.Name:
			if x.Name != nil {
				used[x.Name.Val] = true
			}
		case *nodes.Macro:
			bound[x.Name] = true
			for _, p := range x.Kwargs {
				if n, ok := p.Key.(*nodes.Name); ok && n.Name != nil {
					bound[n.Name.Val] = true
				}
			}
		case *controlStructures.SetControlStructure:
			if n, ok := unexportedField(x, "target").(*nodes.Name); ok && n.Name != nil {
				bound[n.Name.Val] = true
			}
		}
	})
	for n := range used {
		if !bound[n] && !isGlobalName(n, env) {
			vars[n] = true
		}
	}
	return errs
}

// isGlobalName reports names that are not data fields: Jinja's globals and
// loop variables.
func isGlobalName(n string, env *exec.Environment) bool {
	switch n {
	case crName, "loop", "self", "caller", "varargs", "kwargs", "true", "false", "none", "True", "False", "None":
		return true
	}
	return env.Context.Has(n)
}
