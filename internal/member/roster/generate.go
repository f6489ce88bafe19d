package roster

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/cnid"
	"gonghui/internal/demo"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// Generate adds n synthetic members to the unions of the tree: valid,
// synthetic ID numbers (Beijing districts, born 1962-2005) and mobile
// numbers, common Chinese names, tags, statuses and joining dates, spread
// unevenly over the unions as real rosters are. The same seed on the same
// tree makes the same members; a second run continues after the members
// already there, so its numbers do not clash with the first run's.
func Generate(ctx context.Context, s *member.Store, n int, seed int64, progress func(done, total int)) error {
	if n <= 0 {
		return nil
	}
	g, err := newGenerator(ctx, s, seed)
	if err != nil {
		return err
	}
	var start int
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM members").Scan(&start); err != nil {
		return errs.Internal(err, "member: generate")
	}
	// Large transactions: each new member lands on a random page of the
	// two hash indexes, and a commit writes every page it touched, so the
	// more rows a commit carries, the fewer page writes per row.
	const batch = 50_000
	rows := make([]member.Synthetic, 0, batch)
	for done := 0; done < n; {
		k := min(batch, n-done)
		rows = rows[:0]
		for j := range k {
			r, err := g.member(start + done + j)
			if err != nil {
				return err
			}
			rows = append(rows, r)
		}
		if err := s.InsertSynthetic(ctx, rows, g.at); err != nil {
			return fmt.Errorf("member: generate: %w", err)
		}
		done += k
		if progress != nil {
			progress(done, n)
		}
	}
	// The rows went in without logging their figures: recount them all.
	if err := stats.NewStore(s.DB).Rebuild(ctx, member.StatSource()); err != nil {
		return fmt.Errorf("member: generate: figures: %w", err)
	}
	return nil
}

type genUnion struct {
	u        *member.Union
	employer int64
	empName  string
	weight   int
}

type generator struct {
	s       *member.Store
	rng     *rand.Rand
	unions  []genUnion
	cum     []int // cumulative weights
	regions []string
	today   time.Time
	at      int64
}

// Kinds of organisation that generated members belong to.
var memberKinds = []string{"grassroots_union", "joint_union", "sub_union", "union_group"}

func newGenerator(ctx context.Context, s *member.Store, seed int64) (*generator, error) {
	g := &generator{s: s, rng: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)), at: scope.Millis(s.Now())}
	g.today = s.Now().In(beijing.Zone)
	rows, err := s.DB.Query(ctx, `SELECT o.id, o.path, o.name, o.kind, COALESCE(min(oe.employer_id), 0), COALESCE(min(e.name), '')
		FROM orgs o LEFT JOIN org_employers oe ON oe.org_id = o.id LEFT JOIN employers e ON e.id = oe.employer_id
		WHERE o.kind IN (?, ?, ?, ?) GROUP BY o.id, o.path, o.name, o.kind ORDER BY o.path`,
		memberKinds[0], memberKinds[1], memberKinds[2], memberKinds[3])
	if err != nil {
		return nil, errs.Internal(err, "member: generate: unions")
	}
	defer rows.Close()
	for rows.Next() {
		var gu genUnion
		gu.u = &member.Union{}
		if err := rows.Scan(&gu.u.ID, &gu.u.Path, &gu.u.Name, &gu.u.Kind, &gu.employer, &gu.empName); err != nil {
			return nil, errs.Internal(err, "member: generate: unions")
		}
		g.unions = append(g.unions, gu)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "member: generate: unions")
	}
	if len(g.unions) == 0 {
		return nil, errs.Invalid("no_unions", "member.generate_no_unions")
	}
	// Union sizes are skewed: most are small, a few are large.
	total := 0
	for i := range g.unions {
		w := 1 + int(g.rng.ExpFloat64()*8)
		if g.unions[i].u.Kind == "joint_union" {
			w *= 3
		}
		g.unions[i].weight = w
		total += w
		g.cum = append(g.cum, total)
	}
	for _, d := range demo.Divisions() {
		if d.Level == "district" {
			g.regions = append(g.regions, d.Code)
		}
	}
	if len(g.regions) == 0 {
		g.regions = []string{"110101"}
	}
	return g, nil
}

func (g *generator) pickUnion() *genUnion {
	x := g.rng.IntN(g.cum[len(g.cum)-1])
	lo, hi := 0, len(g.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return &g.unions[lo]
}

// Birth dates span 16000 days from 1962-01-01; with 1000 sequence numbers
// per day and region that is 16·16000·1000 distinct ID numbers, and member
// i gets the i-th of them in a scrambled order (a bijection: multiplying by
// a number coprime to the space's size), so numbers never repeat and
// consecutive members do not look alike.
const (
	birthDays = 16000
	seqs      = 1000
)

var birthBase = time.Date(1962, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *generator) idNumber(i int) (cnid.ResidentID, error) {
	space := uint64(len(g.regions)) * birthDays * seqs
	x := (uint64(i)*2654435761 + 12345) % space
	seq := int(x % seqs)
	x /= seqs
	day := int(x % birthDays)
	region := g.regions[int(x/birthDays)%len(g.regions)]
	n, err := cnid.MakeResidentID(region, birthBase.AddDate(0, 0, day), seq)
	if err != nil {
		return cnid.ResidentID{}, err
	}
	return cnid.ParseResidentID(n)
}

var mobilePrefixes = []string{"130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "158", "159", "177", "180", "185", "186", "187", "188", "189", "199"}

// mobile is unique per i in the same way as idNumber.
func mobileOf(i int) string {
	p := mobilePrefixes[i%len(mobilePrefixes)]
	x := (uint64(i/len(mobilePrefixes))*48271 + 777) % 100_000_000
	return fmt.Sprintf("%s%08d", p, x)
}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

var givenChars = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文辉海波鹏飞宇浩然晨阳子涵欣怡佳琪思雨雪梅春燕立新永红德明国强金凤秀珍晓东海燕丹丹宏伟俊杰")

func (g *generator) name() string {
	// Surnames are skewed like real ones: the first few are most common.
	si := int(g.rng.ExpFloat64() * 12)
	if si >= len(surnames) {
		si = g.rng.IntN(len(surnames))
	}
	var b strings.Builder
	b.WriteRune(surnames[si])
	b.WriteRune(givenChars[g.rng.IntN(len(givenChars))])
	if g.rng.IntN(3) > 0 {
		b.WriteRune(givenChars[g.rng.IntN(len(givenChars))])
	}
	return b.String()
}

var genJobs = []string{"工程师", "技术员", "操作工", "司机", "快递员", "外卖骑手", "保安", "保洁员", "会计", "教师", "护士", "销售", "焊工", "电工", "厨师", "文员"}

// Tag probabilities per thousand, in the order of Tags.
var tagOdds = []int{5, 10, 150, 20, 80, 50}

func (g *generator) member(i int) (member.Synthetic, error) {
	gu := g.pickUnion()
	id, err := g.idNumber(i)
	if err != nil {
		return member.Synthetic{}, err
	}
	r := member.Synthetic{Union: gu.u, Name: g.name(), ID: id, Mobile: mobileOf(i), Job: genJobs[g.rng.IntN(len(genJobs))],
		EmployerID: gu.employer, Employer: gu.empName, Status: member.StatusActive}
	for t, odds := range tagOdds {
		if g.rng.IntN(1000) < odds {
			r.Tags |= 1 << t
		}
	}
	// Joined between the 18th birthday (or 1990) and today.
	from := id.Birth.AddDate(18, 0, 0)
	if y1990 := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC); from.Before(y1990) {
		from = y1990
	}
	span := int(g.today.Sub(from).Hours() / 24)
	if span < 1 {
		span = 1
	}
	joined := from.AddDate(0, 0, g.rng.IntN(span))
	r.JoinedOn = joined.Format(time.DateOnly)
	switch x := g.rng.IntN(1000); {
	case x < 30:
		r.Status = member.StatusRetired
	case x < 50:
		r.Status = member.StatusLeft
	case x < 60:
		r.Status = member.StatusTransferredOut
	case x < 62:
		r.Status = member.StatusDeceased
	}
	if r.Status != member.StatusActive {
		left := joined.AddDate(0, 0, g.rng.IntN(int(g.today.Sub(joined).Hours()/24)+1))
		r.StatusOn = left.Format(time.DateOnly)
	}
	// About one member in twenty-five changed unions over the years: joined
	// elsewhere and was transferred here (the employer is this union's).
	if days := int(g.today.Sub(joined).Hours() / 24); r.Status == member.StatusActive && days > 30 && g.rng.IntN(25) == 0 {
		if prev := g.pickUnion(); prev.u.ID != gu.u.ID {
			r.From = prev.u
			r.MovedOn = joined.AddDate(0, 0, 1+g.rng.IntN(days-1)).Format(time.DateOnly)
		}
	}
	return r, nil
}

// SampleRoster writes a roster (CSV: 姓名, 身份证号, 手机号) of n people who
// are not members yet, made like the generator's, for import benchmarks.
func SampleRoster(ctx context.Context, s *member.Store, n int, seed int64) ([]byte, error) {
	g, err := newGenerator(ctx, s, seed)
	if err != nil {
		return nil, err
	}
	var start int
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM members").Scan(&start); err != nil {
		return nil, errs.Internal(err, "member: sample roster")
	}
	// Numbers past every generated member's (the generator counts on from
	// the rows there are), so the roster never names a member.
	start += 10_000_000
	var b strings.Builder
	b.WriteString("姓名,身份证号,手机号\n")
	for i := range n {
		id, err := g.idNumber(start + i)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s,%s,%s\n", g.name(), id.Number, mobileOf(start+i))
	}
	return []byte(b.String()), nil
}
