package server

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gongwen/gongwen/render"
)

// chromiumPath finds Debian's chromium (or GONGWEN_CHROMIUM).
func chromiumPath() string {
	if p := os.Getenv("GONGWEN_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// screenshotDir is where the browser tests leave a picture of each page.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("GONGWEN_TEST_OUTPUT")
	if dir == "" {
		dir = filepath.Join("..", "test-output")
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browserCtx starts a headless chromium with a fresh profile and no
// network beyond loopback.
func browserCtx(t *testing.T) (context.Context, string) {
	t.Helper()
	bin := chromiumPath()
	if bin == "" {
		t.Skip("chromium not found: the browser tests need Debian's chromium (bash scripts/test.sh installs it; or set GONGWEN_CHROMIUM)")
	}
	downloads := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Run(ctx, browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(downloads).WithEventsEnabled(true)); err != nil {
		t.Fatalf("start chromium %s: %v", bin, err)
	}
	return ctx, downloads
}

// shot saves a full-page screenshot.
func shot(dir, name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var buf []byte
		if err := chromedp.FullScreenshot(&buf, 100).Do(ctx); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	})
}

// signIn logs in with the keyboard only: type, Tab, type, Enter.
func signIn(base, name string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible(`#name`, chromedp.ByQuery),
		chromedp.SendKeys(`#name`, name, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Tab),
		chromedp.KeyEvent(testPassword),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`header nav`, chromedp.ByQuery),
	}
}

// TestBrowserIssueAndSearch drives the web UI in a real chromium: a drafter
// logs in with the keyboard, issues a 监督通知书 through the form after a
// preview, downloads the .docx and finds its 发文字号 in it, searches a
// phrase of its body and sees it highlighted, and is refused a page of
// the administrators. An administrator's pages are photographed too, and
// the search page in a narrow window.
func TestBrowserIssueAndSearch(t *testing.T) {
	ctx, downloads := browserCtx(t)
	e := newEnv(t)
	dir := screenshotDir(t)
	base := e.ts.URL
	phrase := "浏览器测试专用短语"

	var wenhao, preview, loc string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#name`, chromedp.ByQuery),
		shot(dir, "01-登录"),
		signIn(base, "wlmq-drafter"),
		chromedp.Location(&loc),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/issue") {
		t.Fatalf("after login the drafter is at %s, want the 拟稿发文 page", loc)
	}
	err = chromedp.Run(ctx,
		shot(dir, "02-拟稿发文"),
		chromedp.Navigate(base+"/issue/"+"监督通知书"+"?example=1"),
		chromedp.WaitVisible(`form.issue`, chromedp.ByQuery),
		chromedp.Clear(`[name="f.监督事项"]`, chromedp.ByQuery),
		chromedp.SendKeys(`[name="f.监督事项"]`, "2025年度"+phrase+"的执法案卷", chromedp.ByQuery),
		shot(dir, "03-填写表单"),
		chromedp.Click(`button[value="preview"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#preview-text`, chromedp.ByQuery),
		chromedp.Text(`#preview-text`, &preview, chromedp.ByQuery),
		shot(dir, "04-预览"),
		chromedp.Click(`button[value="issue"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#wenhao`, chromedp.ByQuery),
		chromedp.Text(`#wenhao`, &wenhao, chromedp.ByQuery),
		shot(dir, "05-文件详情"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(preview, phrase) || !strings.Contains(preview, "乌司发〔2026〕1号") {
		t.Errorf("preview lacks the phrase or the coming number: %.300s", preview)
	}
	if wenhao != "乌司发〔2026〕1号" {
		t.Fatalf("issued %q", wenhao)
	}

	// Download the .docx by clicking its link, and read its number.
	err = chromedp.Run(ctx, chromedp.Click(`a.download`, chromedp.ByQuery))
	if err != nil {
		t.Fatal(err)
	}
	var docx []byte
	for i := 0; i < 100 && docx == nil; i++ {
		time.Sleep(100 * time.Millisecond)
		files, _ := filepath.Glob(filepath.Join(downloads, "*.docx"))
		if len(files) == 1 {
			docx, _ = os.ReadFile(files[0])
			if !strings.Contains(filepath.Base(files[0]), "乌司发〔2026〕1号") {
				t.Errorf("downloaded as %s, want 发文字号-标题.docx", filepath.Base(files[0]))
			}
		}
	}
	if docx == nil {
		t.Fatal("no .docx downloaded")
	}
	text, err := render.ExtractText(docx, render.TextOptions{})
	if err != nil || !strings.Contains(text, wenhao) || !strings.Contains(text, phrase) {
		t.Fatalf("downloaded .docx: %v; has number %v, phrase %v", err, strings.Contains(text, wenhao), strings.Contains(text, phrase))
	}

	// Search the phrase: one hit, the phrase marked.
	var marked, total string
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/search"),
		chromedp.WaitVisible(`#q`, chromedp.ByQuery),
		chromedp.SendKeys(`#q`, phrase, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`.hit mark`, chromedp.ByQuery),
		chromedp.Text(`.hit mark`, &marked, chromedp.ByQuery),
		chromedp.Text(`#total`, &total, chromedp.ByQuery),
		shot(dir, "06-文件检索"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if marked != phrase || total != "1" {
		t.Errorf("search: %s hits, marked %q, want 1 and %q", total, marked, phrase)
	}

	// A page the drafter may not see.
	var title string
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/numbers"),
		chromedp.WaitVisible(`#numbers`, chromedp.ByQuery),
		shot(dir, "07-文号管理"),
		chromedp.Navigate(base+"/users"),
		chromedp.WaitVisible(`h1`, chromedp.ByQuery),
		chromedp.Text(`h1`, &title, chromedp.ByQuery),
		shot(dir, "08-无权访问"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if title != "无权访问" {
		t.Errorf("drafter on /users sees %q, want 无权访问", title)
	}

	// The narrow window: the search page still shows the hit.
	err = chromedp.Run(ctx,
		emulation.SetDeviceMetricsOverride(400, 800, 1, true),
		chromedp.Navigate(base+"/search?q="+phrase),
		chromedp.WaitVisible(`.hit mark`, chromedp.ByQuery),
		shot(dir, "09-窄窗口检索"),
		emulation.ClearDeviceMetricsOverride(),
	)
	if err != nil {
		t.Fatal(err)
	}

	// An administrator's pages.
	err = chromedp.Run(ctx,
		chromedp.Click(`header form.inline button`, chromedp.ByQuery), // 退出
		chromedp.WaitVisible(`#name`, chromedp.ByQuery),
		signIn(base, "root"),
	)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range []struct{ path, wait, name string }{
		{"/templates", "form", "模板管理"},
		{"/users", "table", "用户管理"},
		{"/audit", "#audit", "审计日志"},
		{"/account", "form", "我的账户"},
		{"/tracking", "#tracking", "督办"},
		{"/stats", "#stats-summary", "统计"},
	} {
		if err := chromedp.Run(ctx,
			chromedp.Navigate(base+p.path),
			chromedp.WaitVisible(p.wait, chromedp.ByQuery),
			shot(dir, fmt.Sprintf("%02d-%s", 10+i, p.name)),
		); err != nil {
			t.Fatalf("%s: %v", p.path, err)
		}
	}
	t.Logf("screenshots in %s", dir)
}
