package site

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

var (
	liveRawKeyRE  = keyRE("live|portal|kweb|bweb")
	liveHostURLRE = regexp.MustCompile(`^/contests/\d+/live/(\d+)$`)
	liveCodeRE    = regexp.MustCompile(`<p class="live-code">(\d{6})</p>`)
)

// liveEvents reads a text/event-stream, sending each "state" event's data
// on the channel until the stream ends (then it closes the channel).
func liveEvents(t *testing.T, res *http.Response) <-chan contest.LiveState {
	out := make(chan contest.LiveState, 16)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "state":
				var st contest.LiveState
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &st); err != nil {
					t.Errorf("event: %v", err)
					return
				}
				out <- st
			case line == "":
				event = ""
			}
		}
	}()
	return out
}

func waitState(t *testing.T, what string, ch <-chan contest.LiveState, ok func(contest.LiveState) bool) contest.LiveState {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case st, open := <-ch:
			if !open {
				t.Fatalf("%s: the stream ended", what)
			}
			if ok(st) {
				return st
			}
		case <-deadline:
			t.Fatalf("%s: no such state in time", what)
		}
	}
}

func TestLivePages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newPcSite(t, d)
		s.cs.LiveHub().SetEvery(30 * time.Millisecond)
		s.addTrio(t)
		c := s.publish(t, s.input(s.root, "2026年全市职工工会法知识竞赛"))
		cPath := "/contests/" + db.FormatID(c.ID)
		if _, err := s.auth.Bootstrap(context.Background(), auth.NewUser{Username: "city", Name: "测试city", OrgID: s.root.ID, Password: testPassword},
			auth.RoleOfficer); err != nil {
			t.Fatal(err)
		}
		admin := s.login("city", "")

		// The contest's page leads to the live sessions; starting checks its input.
		wantBody(t, "contest page", admin.get(cPath), `href="`+cPath+`/live"`, "现场竞赛")
		a := admin.get(cPath + "/live")
		wantPage(t, "sessions", a, liveRawKeyRE, rawKeyRE)
		wantBody(t, "sessions", a, "开始一场", "还没有现场竞赛场次")
		a = admin.post(cPath+"/live", url.Values{"seconds": {"3"}, "mode": {"individual"}}, cPath+"/live")
		wantStatus(t, "too short", a, http.StatusUnprocessableEntity)
		wantBody(t, "too short", a, `value="3"`)
		a = admin.post(cPath+"/live", url.Values{"seconds": {"30"}, "mode": {"team"}}, cPath+"/live")
		wantStatus(t, "no teams", a, http.StatusUnprocessableEntity)
		wantBody(t, "no teams", a, "该竞赛还没有代表队。")
		a = admin.post(cPath+"/live", url.Values{"seconds": {"30"}, "mode": {"individual"}}, cPath+"/live")
		wantStatus(t, "start", a, http.StatusSeeOther)
		m := liveHostURLRE.FindStringSubmatch(a.location)
		if m == nil {
			t.Fatalf("start goes to %q", a.location)
		}
		host := a.location
		a = admin.get(host)
		wantPage(t, "host", a, liveRawKeyRE, rawKeyRE)
		code := liveCodeRE.FindStringSubmatch(a.body)
		if code == nil {
			t.Fatalf("no code on the host screen")
		}
		wantBody(t, "host", a, "等待加入", "用手机输入号码加入", "共 4 题", `src="`+host+`/qr.png"`, "下一题")
		if qr := admin.get(host + "/qr.png"); qr.status != 200 || qr.header.Get("Content-Type") != "image/png" {
			t.Fatalf("qr: %d %s", qr.status, qr.header.Get("Content-Type"))
		}
		wantStatus(t, "another's session", admin.get("/contests/"+db.FormatID(c.ID+1)+"/live/"+m[1]), 404)

		// The host screen's stream: the state now, then each change.
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", admin.base+host+"/events", nil)
		res, err := admin.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		// Whatever happens, the stream ends before the test server closes
		// (it waits for every request), as the hub's close ends it when a
		// real server shuts down.
		t.Cleanup(func() { cancel(); res.Body.Close(); s.cs.LiveHub().Close() })
		events := liveEvents(t, res)
		waitState(t, "first", events, func(st contest.LiveState) bool { return st.Phase == contest.LiveLobby && st.CanRun })

		// A member joins by the code.
		mZhang := s.memberLogin(t, mobileNumber(1))
		a = mZhang.get("/m/live?code=000000")
		wantStatus(t, "bad code", a, http.StatusNotFound)
		wantBody(t, "bad code", a, "没有找到您可以参加的这个号码的场次")
		a = mZhang.get("/m/live?code=" + code[1])
		wantStatus(t, "code", a, http.StatusSeeOther)
		phone := a.location
		a = mZhang.get(phone)
		wantPage(t, "phone", a, liveRawKeyRE, portalRawKeyRE, rawKeyRE)
		wantBody(t, "phone", a, "加入后即可回答大屏幕上的题目。", `action="`+phone+`/join"`)
		wantStatus(t, "join", mZhang.post(phone+"/join", url.Values{}, phone), http.StatusSeeOther)
		waitState(t, "joined", events, func(st contest.LiveState) bool { return st.Joined == 1 && len(st.Names) == 1 })

		// Next, from the form of the host screen (no script).
		wantStatus(t, "next", admin.post(host+"/next", url.Values{"version": {"1"}}, host), http.StatusSeeOther)
		open := waitState(t, "open", events, func(st contest.LiveState) bool { return st.Phase == contest.LiveOpen })
		if open.Question == nil || open.Right != nil || open.Tally != nil {
			t.Fatalf("open state: %+v", open)
		}
		a = admin.post(host+"/next", url.Values{"version": {"1"}}, host)
		wantStatus(t, "stale next", a, http.StatusConflict)
		wantBody(t, "stale next", a, "另一个屏幕已推进本场")
		a = mZhang.get(phone)
		wantPage(t, "phone question", a, liveRawKeyRE, portalRawKeyRE, rawKeyRE)
		wantBody(t, "phone question", a, open.Question.Stem, `name="position" value="0"`)
		q0 := open.Question
		answer := url.Values{"position": {"0"}}
		switch q0.Type {
		case "truefalse":
			answer.Set("q0.tf", "true")
		case "blank":
			answer.Set("q0.blank", "职工")
		default:
			answer.Set("q0.choice", "0")
		}
		wantStatus(t, "answer", mZhang.post(phone+"/answer", answer, phone), http.StatusSeeOther)
		a = mZhang.postAccept(phone+"/answer", answer, phone)
		wantStatus(t, "again", a, http.StatusConflict)
		if v := pcJSON(t, "again", a); v["message"] != "您已回答过本题。" {
			t.Fatalf("again: %v", v)
		}
		waitState(t, "answered", events, func(st contest.LiveState) bool { return st.Answers == 1 })

		// Close and reveal with the script's JSON.
		a = admin.postAccept(host+"/close", url.Values{}, host)
		wantStatus(t, "close", a, http.StatusOK)
		waitState(t, "closed", events, func(st contest.LiveState) bool { return st.Phase == contest.LiveClosed && st.Tally != nil })
		a = admin.postAccept(host+"/reveal", url.Values{}, host)
		wantStatus(t, "reveal", a, http.StatusOK)
		revealed := waitState(t, "revealed", events, func(st contest.LiveState) bool { return st.Phase == contest.LiveRevealed })
		if len(revealed.Board) != 1 || revealed.Right == nil {
			t.Fatalf("revealed: %+v", revealed)
		}
		a = mZhang.get(phone + "/state")
		var me contest.LiveState
		if err := json.Unmarshal([]byte(a.body), &me); err != nil || me.Me == nil || !me.Me.Answered || me.Me.Credit == nil || me.Me.Rank != 1 {
			t.Fatalf("phone state: %v %s", err, a.body)
		}
		wantPage(t, "phone revealed", mZhang.get(phone), liveRawKeyRE, portalRawKeyRE, rawKeyRE)
		wantPage(t, "host in English", admin.get(host+"?lang=en"), liveRawKeyRE, rawKeyRE)

		// The stream ends when the client leaves, and the process stops polling.
		cancel()
		for range events {
		}
		res.Body.Close()
		for i := 0; s.cs.LiveHub().Watching() != 0; i++ {
			if i > 200 {
				t.Fatal("still polling after the client left")
			}
			time.Sleep(10 * time.Millisecond)
		}
		// A reload resumes where it was.
		wantBody(t, "reload", admin.get(host), "已公布答案", "第 1 / 4 题")

		// Behind a server with short read and write timeouts (the app's
		// are 60 s and 120 s) the stream lives on past them.
		timed := httptest.NewUnstartedServer(s.srv.Config.Handler)
		timed.Config.ReadTimeout, timed.Config.WriteTimeout = time.Second, time.Second
		timed.Start()
		tctx, tcancel := context.WithCancel(context.Background())
		req, _ = http.NewRequestWithContext(tctx, "GET", timed.URL+host+"/events", nil)
		tres, err := admin.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		tevents := liveEvents(t, tres)
		before := waitState(t, "timed stream", tevents, func(st contest.LiveState) bool { return st.Phase == contest.LiveRevealed })
		time.Sleep(2500 * time.Millisecond)
		wantStatus(t, "next after the timeouts", admin.postAccept(host+"/next", url.Values{"version": {strconv.Itoa(before.Version)}}, host), http.StatusOK)
		waitState(t, "event after the timeouts", tevents, func(st contest.LiveState) bool { return st.Position == 1 })
		tcancel()
		tres.Body.Close()
		timed.Close()

		// The server's shutdown closes the hub: the phone's stream ends.
		pctx, pcancel := context.WithCancel(context.Background())
		defer pcancel()
		req, _ = http.NewRequestWithContext(pctx, "GET", mZhang.base+phone+"/events", nil)
		pres, err := mZhang.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer pres.Body.Close()
		pevents := liveEvents(t, pres)
		waitState(t, "phone stream", pevents, func(st contest.LiveState) bool { return st.Me != nil && st.Me.Joined })
		s.cs.LiveHub().Close()
		select {
		case <-func() chan struct{} {
			done := make(chan struct{})
			go func() {
				for range pevents {
				}
				close(done)
			}()
			return done
		}():
		case <-time.After(5 * time.Second):
			t.Fatal("the stream went on after the hub closed")
		}
	})
}
