package roster

import (
	"testing"

	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// BenchmarkGenerate measures the member generator (rows per second) on a
// small tree. Run: go test -run=^$ -bench=Generate -benchtime=1x ./internal/member/roster/
func BenchmarkGenerate(b *testing.B) {
	n := 100_000
	for _, engine := range testkit.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			d := testkit.NewDB(b, engine)
			if err := org.Generate(ctx, org.NewStore(d), 2000, 1, nil); err != nil {
				b.Fatal(err)
			}
			s := member.NewStore(d, testkit.Keys(b))
			b.ResetTimer()
			for range b.N {
				if err := Generate(ctx, s, n, 1, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "members/s")
		})
	}
}
