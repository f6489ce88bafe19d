package cnid

import "testing"

func TestNormalizeMobile(t *testing.T) {
	tests := []ruleCase[string]{
		{"bare", "13812345678", "13812345678", ""},
		{"second digit 3", "13012345678", "13012345678", ""},
		{"second digit 9", "19912345678", "19912345678", ""},
		{"+86 with spaces", "+86 138 1234 5678", "13812345678", ""},
		{"+86 with hyphens", "+86-138-1234-5678", "13812345678", ""},
		{"86 without plus", "8613812345678", "13812345678", ""},
		{"86 and spaces", "86 138 1234 5678", "13812345678", ""},
		{"groups with hyphens", "138-1234-5678", "13812345678", ""},
		{"surrounding white space", "\t13812345678\n", "13812345678", ""},
		{"ideographic space trimmed", "\u300013812345678", "13812345678", ""},

		{"empty", "", "", RuleLength},
		{"only +86", "+86", "", RuleLength},
		{"10 digits", "1381234567", "", RuleLength},
		{"12 digits", "138123456789", "", RuleLength},
		{"86 then 10 digits is not stripped", "861381234567", "", RuleLength},
		{"86 then 12 digits is not stripped", "86138123456789", "", RuleLength},
		{"double country code", "+868613812345678", "", RuleLength},
		{"letters", "1381234567a", "", RuleCharset},
		{"dots", "138.1234.5678", "", RuleCharset},
		{"parentheses", "(+86)13812345678", "", RuleCharset},
		{"full-width digits", "１３８１２３４５６７８", "", RuleCharset},
		{"inner tab", "138\t12345678", "", RuleCharset},
		{"plus in the middle", "138+12345678", "", RuleCharset},
		{"foreign country code", "+44 7700 900123", "", RulePrefix},
		{"+1", "+1 13812345678", "", RulePrefix},
		{"second digit 2", "12812345678", "", RulePrefix},
		{"second digit 0", "10012345678", "", RulePrefix},
		{"landline with area code", "01012345678", "", RulePrefix},
		{"starts with 2", "23812345678", "", RulePrefix},
	}
	checkRules(t, "NormalizeMobile", NormalizeMobile, tests)
}
