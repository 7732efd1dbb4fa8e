package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gongwen/gongwen/render"
)

// TestQuickStartFollowsREADME follows the README's quick start as a new
// user would: the first command of "Set up on a fresh machine" starts the
// service in an empty folder; the administrator's one-time password is read
// off its output; the administrator changes it, registers an office and a
// drafter; the drafter issues a 监督通知书 and downloads it; the service
// stops cleanly on Ctrl-C.
func TestQuickStartFollowsREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the service")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	sec := string(readme)[strings.Index(string(readme), "## Set up on a fresh machine"):]
	m := regexp.MustCompile("(?s)```sh\n(.*?)\n```").FindStringSubmatch(sec)
	if m == nil || strings.TrimSpace(m[1]) != "go run ./cmd/gongwen serve" {
		t.Fatalf("the README's first command is %q; this test follows `go run ./cmd/gongwen serve`", m)
	}
	bin := filepath.Join(t.TempDir(), "gongwen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// The README's default address, unless something here holds it.
	addr := "127.0.0.1:8080"
	if ln, err := net.Listen("tcp", addr); err != nil {
		ln, _ = net.Listen("tcp", "127.0.0.1:0")
		addr = ln.Addr().String()
		ln.Close()
	} else {
		ln.Close()
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GONGWEN_ADDR="+addr, "GONGWEN_DATA_DIR=", "GONGWEN_INDEX_DIR=", "GONGWEN_S3_ENDPOINT=")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var password string
	deadline := time.After(60 * time.Second)
	for password == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("service stopped: %s", stderr.String())
			}
			if m := regexp.MustCompile(`一次性密码 (\S+)`).FindStringSubmatch(l); m != nil {
				password = m[1]
			}
		case <-deadline:
			t.Fatalf("no one-time password printed; stderr: %s", stderr.String())
		}
	}
	base := "http://" + addr

	call := func(token, method, path string, body any, want int) map[string]any {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
		}
		var out map[string]any
		json.Unmarshal(b, &out)
		if out == nil {
			out = map[string]any{"raw": string(b)}
		}
		return out
	}
	// The administrator signs in through the API with a session, changes the
	// one-time password, and makes a token for the rest.
	jar := &cookieJar{}
	client := &http.Client{Jar: jar}
	lb, _ := json.Marshal(map[string]string{"name": "admin", "password": password})
	resp, err := client.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(lb))
	if err != nil {
		t.Fatal(err)
	}
	var login map[string]any
	json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("admin login with the printed password: %d %v", resp.StatusCode, login)
	}
	csrf, _ := login["csrf_token"].(string)
	post := func(path string, body any) *http.Response {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		r, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := post("/api/v1/auth/password", map[string]string{"old": password, "new": "quick-start-2026-pw"}); r.StatusCode != 204 {
		t.Fatalf("change password: %d", r.StatusCode)
	}
	r := post("/api/v1/auth/tokens", map[string]string{"name": "quickstart"})
	var tok map[string]any
	json.NewDecoder(r.Body).Decode(&tok)
	r.Body.Close()
	admin, _ := tok["token"].(string)
	if admin == "" {
		t.Fatalf("no token: %v", tok)
	}
	call(admin, "PUT", "/api/v1/profiles/wlmq", map[string]any{"id": "wlmq", "名称": "乌鲁木齐市司法局", "发文机关标志": "乌鲁木齐市司法局文件",
		"机关代字": map[string]string{"默认": "乌司发"}, "印发机关": "乌鲁木齐市司法局办公室", "全宗号": "J012", "机构代码": "FZK"}, 200)
	call(admin, "POST", "/api/v1/users", map[string]any{"name": "zhangsan", "display_name": "张三", "org": "wlmq", "role": "起草人", "password": "drafting-desk-2026"}, 201)
	out := call("", "POST", "/api/v1/auth/login", map[string]string{"name": "zhangsan", "password": "drafting-desk-2026"}, 200)
	if out["user"] == nil {
		t.Fatalf("drafter login: %v", out)
	}
	// The drafter issues with a token of their own.
	dclient := &http.Client{Jar: &cookieJar{}}
	lb, _ = json.Marshal(map[string]string{"name": "zhangsan", "password": "drafting-desk-2026"})
	resp, _ = dclient.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(lb))
	json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/auth/tokens", strings.NewReader(`{"name":"t"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", login["csrf_token"].(string))
	resp, _ = dclient.Do(req)
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	drafter := tok["token"].(string)

	tpl := call(drafter, "GET", "/api/v1/templates/"+"监督通知书", nil, 200)
	issued := call(drafter, "POST", "/api/v1/documents", map[string]any{"template": "监督通知书", "data": tpl["example"]}, 201)
	rec := issued["record"].(map[string]any)
	if rec["wenhao"] != "乌司发〔2026〕1号" {
		t.Fatalf("first document: %v", rec["wenhao"])
	}
	req, _ = http.NewRequest("GET", base+issued["download"].(string), nil)
	req.Header.Set("Authorization", "Bearer "+drafter)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	docx, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text, err := render.ExtractText(docx, render.TextOptions{})
	if err != nil || !strings.Contains(text, "乌司发〔2026〕1号") {
		t.Fatalf("downloaded document: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err != nil {
		t.Errorf("the embedded store is not in ./data: %v", err)
	}

	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("service exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("service did not stop on SIGINT")
	}
}

// cookieJar is the smallest cookie jar: one host.
type cookieJar struct{ cookies []*http.Cookie }

func (j *cookieJar) SetCookies(_ *url.URL, cs []*http.Cookie) { j.cookies = append(j.cookies, cs...) }
func (j *cookieJar) Cookies(_ *url.URL) []*http.Cookie        { return j.cookies }
