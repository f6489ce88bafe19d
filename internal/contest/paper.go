package contest

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"sync"

	"gonghui/internal/contest/bank"
	"gonghui/internal/errs"
)

// PaperQuestion is one question of a drawn paper, copied from its bank
// when drawn (a later edit of the bank changes no paper already drawn).
type PaperQuestion struct {
	Section    int       `json:"section"`
	QuestionID int64     `json:"question_id,string"`
	Points     int       `json:"points"`
	Type       bank.Type `json:"type"`
	Stem       string    `json:"stem"`
	// Options as the taker sees them; Order[i] is the bank's index of
	// Options[i] (nil: the bank's order).
	Options     []string `json:"options,omitempty"`
	Order       []int    `json:"order,omitempty"`
	Key         bank.Key `json:"key"`
	Explanation string   `json:"explanation,omitempty"`
}

// Paper is what a taker answers: the questions in the order shown.
type Paper struct {
	Questions []PaperQuestion `json:"questions"`
}

// question is pq as its bank holds it (options in the bank's order), for
// checking and grading an answer.
func (pq *PaperQuestion) question() *bank.Question {
	q := &bank.Question{Type: pq.Type, Key: pq.Key}
	if len(pq.Options) > 0 {
		q.Options = make([]string, len(pq.Options))
		for i, o := range pq.Options {
			q.Options[pq.bankIndex(i)] = o
		}
	}
	return q
}

func (pq *PaperQuestion) bankIndex(shown int) int {
	if pq.Order == nil || shown < 0 || shown >= len(pq.Order) {
		return shown
	}
	return pq.Order[shown]
}

// toBank maps a taker's choices (as shown) to the bank's indexes; a choice
// out of range stays out of range, for the check to refuse.
func (pq *PaperQuestion) toBank(a bank.Answer) bank.Answer {
	if len(a.Choices) == 0 || pq.Order == nil {
		return a
	}
	out := a
	out.Choices = make([]int, len(a.Choices))
	for i, c := range a.Choices {
		out.Choices[i] = pq.bankIndex(c)
	}
	slices.Sort(out.Choices) // as the key holds them
	return out
}

// shownKey is the key's choices as the taker saw the options (for the
// corrections).
func (pq *PaperQuestion) shownKey() []int {
	var out []int
	for shown := range pq.Options {
		if slices.Contains(pq.Key.Choices, pq.bankIndex(shown)) {
			out = append(out, shown)
		}
	}
	return out
}

// draw makes a paper of c for one taker: each section's fixed questions,
// or its count drawn at random without repeats within the paper; the
// questions' order and the options' order shuffled when c says so.
func (s *Store) draw(ctx context.Context, c *Contest, rng *rand.Rand) (*Paper, error) {
	p := &Paper{}
	taken := map[int64]bool{}
	for si, sec := range c.Sections {
		pool, err := s.Banks.Pool(ctx, sec.BankID)
		if err != nil {
			return nil, err
		}
		var picked []*bank.Question
		if len(sec.Questions) > 0 {
			for _, id := range sec.Questions {
				q, ok := pool.ByID[id]
				if !ok {
					return nil, errs.Conflict("paper_unavailable", "contest.paper_unavailable")
				}
				picked = append(picked, q)
			}
		} else {
			var cands []*bank.Question
			for _, q := range pool.Questions {
				if !taken[q.ID] && matches(sec, q.Category, q.Type, q.Difficulty) {
					cands = append(cands, q)
				}
			}
			if len(cands) < sec.Count {
				return nil, errs.Conflict("paper_unavailable", "contest.paper_unavailable")
			}
			// A partial Fisher–Yates: the first Count are a uniform draw.
			for i := range sec.Count {
				j := i + rng.IntN(len(cands)-i)
				cands[i], cands[j] = cands[j], cands[i]
			}
			// In the bank's order (unless the paper is shuffled below).
			drawn := map[int64]bool{}
			for _, q := range cands[:sec.Count] {
				drawn[q.ID] = true
			}
			for _, q := range pool.Questions {
				if drawn[q.ID] {
					picked = append(picked, q)
				}
			}
		}
		for _, q := range picked {
			taken[q.ID] = true
			pq := PaperQuestion{Section: si, QuestionID: q.ID, Points: sec.Points, Type: q.Type, Stem: q.Stem,
				Options: slices.Clone(q.Options), Key: q.Key, Explanation: q.Explanation}
			if c.ShuffleOptions && len(pq.Options) > 1 {
				pq.Order = rng.Perm(len(pq.Options))
				for i, bi := range pq.Order {
					pq.Options[i] = q.Options[bi]
				}
			}
			p.Questions = append(p.Questions, pq)
		}
	}
	if c.ShuffleQuestions {
		// Within each section: sections keep their order and titles.
		start := 0
		for start < len(p.Questions) {
			end := start
			for end < len(p.Questions) && p.Questions[end].Section == p.Questions[start].Section {
				end++
			}
			part := p.Questions[start:end]
			rng.Shuffle(len(part), func(i, j int) { part[i], part[j] = part[j], part[i] })
			start = end
		}
	}
	return p, nil
}

// paperCache keeps decoded papers by attempt: a paper never changes once
// drawn, so every process may keep its own copy, and saving an answer
// need not decode the paper again.
type paperCache struct {
	mu  sync.Mutex
	max int
	m   map[int64]*Paper
}

func newPaperCache(max int) *paperCache { return &paperCache{max: max, m: map[int64]*Paper{}} }

func (c *paperCache) get(id int64) *Paper {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[id]
}

func (c *paperCache) put(id int64, p *Paper) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		for k := range c.m { // drop an arbitrary quarter
			delete(c.m, k)
			if len(c.m) < c.max*3/4 {
				break
			}
		}
	}
	c.m[id] = p
}

// decodePaper reads a stored paper, through the cache.
func (s *Store) decodePaper(id int64, raw string) (*Paper, error) {
	if p := s.papers.get(id); p != nil {
		return p, nil
	}
	p := &Paper{}
	if err := json.Unmarshal([]byte(raw), p); err != nil {
		return nil, errs.Internal(err, "contest: read paper")
	}
	s.papers.put(id, p)
	return p, nil
}
