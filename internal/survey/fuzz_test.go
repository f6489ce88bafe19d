package survey

import (
	"encoding/json"
	"net/url"
	"testing"

	"gonghui/internal/errs"
)

// FuzzSurveyRulesAndAnswers feeds untrusted questions (a survey's JSON as
// the API takes it) and an untrusted form: whatever CheckQuestions
// accepts, ParseForm and Check must not panic, must answer field errors
// only, and must keep no answer to a hidden question nor miss a visible
// required one.
func FuzzSurveyRulesAndAnswers(f *testing.F) {
	seed, _ := json.Marshal(questions())
	f.Add(string(seed), "answers.0=0&answers.1=0&answers.1=2&answers.2=4&answers.3=好&answers.4=12.5")
	f.Add(string(seed), "answers.0=other&answers.0.other=偶尔&answers.2=5")
	f.Add(string(seed), "answers.0=1&answers.1=9&answers.2=x")
	f.Add(`[{"type":"single","title":"a","options":["x","y"]},{"type":"short","title":"b","required":true,"show_if":{"question":0,"option":1}}]`, "answers.0=1")
	f.Add(`[{"type":"multiple","title":"a","options":["x","y"],"other":true,"min_picks":2},{"type":"rating","title":"b","scale":10,"show_if":{"question":0,"option":0}}]`, "answers.0=0&answers.0=other&answers.1=10")
	f.Add(`[{"type":"single","title":"a","options":["x","y"],"show_if":{"question":0,"option":0}}]`, "")
	f.Fuzz(func(t *testing.T, rawQs, rawForm string) {
		var qs []Question
		if json.Unmarshal([]byte(rawQs), &qs) != nil {
			return
		}
		fe := errs.Fields{}
		CheckQuestions(fe, qs)
		if fe.Err() != nil {
			return
		}
		for i, q := range qs {
			if c := q.ShowIf; c != nil && (c.Question >= i || c.Question < 0) {
				t.Fatalf("a rule on a later question was accepted: %+v", q)
			}
		}
		form, err := url.ParseQuery(rawForm)
		if err != nil {
			return
		}
		answers, err := ParseForm(qs, form)
		if err != nil {
			if _, ok := errs.As(err); !ok {
				t.Fatalf("not a field error: %v", err)
			}
			return
		}
		kept, err := Check(qs, answers)
		if err != nil {
			if _, ok := errs.As(err); !ok {
				t.Fatalf("not a field error: %v", err)
			}
			return
		}
		vis := Visible(qs, kept)
		for i, q := range qs {
			_, ok := kept[i]
			if ok && !vis[i] {
				t.Fatalf("kept an answer to hidden question %d", i)
			}
			if q.Required && vis[i] && !ok {
				t.Fatalf("visible required question %d unanswered", i)
			}
		}
		_ = answerRows(1, 1, kept)
	})
}
