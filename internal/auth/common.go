package auth

import (
	"strings"

	"github.com/trustelem/zxcvbn"
)

// Passwords are also judged by zxcvbn (github.com/trustelem/zxcvbn, a port of
// Dropbox's estimator with its embedded lists of common passwords, English
// words and names, keyboard walks, dates and l33t spellings): the character
// classes alone let through Password123 and P@ssw0rd2026. Its lists know no
// Chinese, so the words people here build passwords from are added as if
// they were the user's own: the product, the city, common surnames and
// phrases in pinyin.
var chineseWords = []string{
	"gonghui", "zonggonghui", "beijing", "zhongguo", "china", "huiyuan", "zhigong",
	"woaini", "aini", "iloveyou", "wangwang", "xiaoming", "laogong", "laopo", "baobao",
	"wang", "li", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin",
	"qwerty", "asdfgh", "zxcvbn", "a1b2c3", "abc123", "admin", "root", "test", "mima",
}

// minScore is zxcvbn's "safely unguessable" (about 10^8 guesses and more):
// enough against online guessing behind the lockout, and what a stolen hash
// costs to crack with argon2id.
const minScore = 3

// guessable reports whether password is too common or predictable, given
// the account's own words (username, name).
func guessable(password string, own ...string) bool {
	inputs := append([]string{}, chineseWords...)
	for _, w := range own {
		if w = strings.TrimSpace(w); w != "" {
			inputs = append(inputs, w)
		}
	}
	return zxcvbn.PasswordStrength(password, inputs).Score < minScore
}
