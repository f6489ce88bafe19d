package contests

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/listing"
	"gonghui/internal/sheet"
)

// Banks and their questions. Versions travel as the web's do: a PATCH
// carries the version it read in its body, a DELETE in ?version=; a stale
// one is 409 stale_version.

// listBanks: GET /banks — the banks the caller may use, with the filter's
// total.
func (h *API) listBanks(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) bank.BankQuery {
		return bank.BankQuery{Q: q.Str("q"), Org: q.ID("org"), Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Banks.Banks, h.Banks.CountBanks)
}

// bankInput is bank.BankInput with the ID the API reads as a string.
type bankInput struct {
	OrgID       api.ID `json:"org_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// createBank: POST /banks.
func (h *API) createBank(w http.ResponseWriter, r *http.Request) error {
	var in bankInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	orgID := in.OrgID.Parse(f, "org_id", true)
	if err := f.Err(); err != nil {
		return err
	}
	b, err := h.Banks.CreateBank(r.Context(), api.Principal(r), bank.BankInput{OrgID: orgID, Name: in.Name, Description: in.Description})
	if err != nil {
		return err
	}
	return api.Created(w, "/banks/"+db.FormatID(b.ID), b)
}

// getBank: GET /banks/{id}.
func (h *API) getBank(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Banks.Bank)
}

// bankPatch changes some fields of a bank read at Version.
type bankPatch struct {
	Version     int     `json:"version"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// patchBank: PATCH /banks/{id}.
func (h *API) patchBank(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in bankPatch) (*bank.Bank, error) {
		if in.Version < 1 {
			return nil, api.FieldErr("version", "field.required")
		}
		cur, err := h.Banks.Bank(ctx, p, id)
		if err != nil {
			return nil, err
		}
		up := bank.BankInput{Name: cur.Name, Description: cur.Description}
		set(&up.Name, in.Name)
		set(&up.Description, in.Description)
		return h.Banks.UpdateBank(ctx, p, id, in.Version, up)
	})
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// version reads ?version=, the version a DELETE was read at.
func version(r *http.Request) (int, error) {
	s := api.NewQuery(r).Str("version")
	if s == "" {
		return 0, api.FieldErr("version", "field.required")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, api.FieldErr("version", "field.not_a_number")
	}
	return n, nil
}

// deleteBank: DELETE /banks/{id}?version=.
func (h *API) deleteBank(w http.ResponseWriter, r *http.Request) error {
	return api.Remove(w, r, func(ctx context.Context, p *auth.Principal, id int64) error {
		v, err := version(r)
		if err != nil {
			return err
		}
		return h.Banks.DeleteBank(ctx, p, id, v)
	})
}

// questionQuery is a bank's question filter with the bank.
type questionQuery struct {
	bank.QuestionQuery
	bankID int64
}

// listQuestions: GET /banks/{id}/questions — in the bank's order, with the
// filter's total.
func (h *API) listQuestions(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) questionQuery {
		qq := bank.QuestionQuery{Q: q.Str("q"), Type: bank.Type(q.Str("type")), Category: q.Str("category"), Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
		if s := q.Str("difficulty"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				q.F.Add("difficulty", "field.invalid_choice")
			}
			qq.Difficulty = bank.Difficulty(n)
		}
		return questionQuery{QuestionQuery: qq, bankID: id}
	}, func(ctx context.Context, p *auth.Principal, in questionQuery) ([]bank.Question, string, error) {
		return h.Banks.Questions(ctx, p, in.bankID, in.QuestionQuery)
	}, func(ctx context.Context, p *auth.Principal, in questionQuery) (listing.Total, error) {
		return h.Banks.CountQuestions(ctx, p, in.bankID, in.QuestionQuery)
	})
}

// questionInput is a question as staff write it.
type questionInput struct {
	Type        bank.Type       `json:"type"`
	Stem        string          `json:"stem"`
	Options     []string        `json:"options"`
	Key         bank.Key        `json:"key"`
	Explanation string          `json:"explanation"`
	Category    string          `json:"category"`
	Difficulty  bank.Difficulty `json:"difficulty"`
}

func (in questionInput) question() bank.Question {
	return bank.Question{Type: in.Type, Stem: in.Stem, Options: in.Options, Key: in.Key, Explanation: in.Explanation, Category: in.Category, Difficulty: in.Difficulty}
}

// createQuestion: POST /banks/{id}/questions — added at the bank's end.
func (h *API) createQuestion(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in questionInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	q, err := h.Banks.AddQuestion(r.Context(), api.Principal(r), id, in.question())
	if err != nil {
		return err
	}
	return api.Created(w, "/questions/"+db.FormatID(q.ID), q)
}

// question reads a question without its bank.
func (h *API) question(ctx context.Context, p *auth.Principal, id int64) (*bank.Question, error) {
	q, _, err := h.Banks.Question(ctx, p, id)
	return q, err
}

// getQuestion: GET /questions/{id}.
func (h *API) getQuestion(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.question)
}

// questionPatch changes some fields of a question read at Version; the
// key, when sent, replaces the whole key.
type questionPatch struct {
	Version     int              `json:"version"`
	Type        *bank.Type       `json:"type"`
	Stem        *string          `json:"stem"`
	Options     *[]string        `json:"options"`
	Key         *bank.Key        `json:"key"`
	Explanation *string          `json:"explanation"`
	Category    *string          `json:"category"`
	Difficulty  *bank.Difficulty `json:"difficulty"`
}

// patchQuestion: PATCH /questions/{id}.
func (h *API) patchQuestion(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in questionPatch) (*bank.Question, error) {
		if in.Version < 1 {
			return nil, api.FieldErr("version", "field.required")
		}
		q, err := h.question(ctx, p, id)
		if err != nil {
			return nil, err
		}
		up := *q
		set(&up.Type, in.Type)
		set(&up.Stem, in.Stem)
		set(&up.Options, in.Options)
		set(&up.Key, in.Key)
		set(&up.Explanation, in.Explanation)
		set(&up.Category, in.Category)
		set(&up.Difficulty, in.Difficulty)
		return h.Banks.UpdateQuestion(ctx, p, id, in.Version, up)
	})
}

// deleteQuestion: DELETE /questions/{id}?version=.
func (h *API) deleteQuestion(w http.ResponseWriter, r *http.Request) error {
	return api.Remove(w, r, func(ctx context.Context, p *auth.Principal, id int64) error {
		v, err := version(r)
		if err != nil {
			return err
		}
		return h.Banks.DeleteQuestion(ctx, p, id, v)
	})
}

// importMaxBytes bounds a bank's file (the sheet reader's own limit); it
// is read into memory and never written to the disk.
const importMaxBytes = 16 << 20

// importBank: POST /banks/{id}/import?mode= — a sheet of questions, in
// the request; answers the report, its errors in the caller's language.
func (h *API) importBank(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	q := api.NewQuery(r)
	mode := sheet.ImportMode(q.Str("mode"))
	if mode == "" {
		mode = sheet.ImportDryRun
	}
	if !mode.Valid() {
		q.F.Add("mode", "field.invalid_choice")
	}
	if err := q.Err(); err != nil {
		return err
	}
	name, data, err := httpx.ReadUpload(w, r, "file", importMaxBytes)
	if err != nil {
		return err
	}
	rep, err := h.Banks.Import(r.Context(), api.Principal(r), id, bytes.NewReader(data), int64(len(data)), bank.ImportOptions{Mode: mode, Name: name})
	if err != nil {
		return err
	}
	tr := api.Translator(r)
	for i := range rep.Errors {
		e := &rep.Errors[i]
		e.Message, e.Key, e.Args = tr(e.Key, e.Args...), "", nil
	}
	return api.OK(w, rep)
}

// exportBank: GET /banks/{id}/export — every question as .xlsx, in the
// layout the import reads.
func (h *API) exportBank(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	p := api.Principal(r)
	b, err := h.Banks.Bank(r.Context(), p, id)
	if err != nil {
		return err
	}
	return api.Workbook(w, r, b.Name+".xlsx", "bank export", func(_ api.Translate, out io.Writer) error {
		return h.Banks.Export(r.Context(), p, id, out)
	})
}
