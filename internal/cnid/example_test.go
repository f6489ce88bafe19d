package cnid_test

import (
	"errors"
	"fmt"
	"time"

	"gonghui/internal/cnid"
)

func ExampleNormalizeCreditCode() {
	code, err := cnid.NormalizeCreditCode(" 91350100m000100y43 ")
	fmt.Println(code, err)

	_, err = cnid.NormalizeCreditCode("91350100M000100Y44")
	fmt.Println(err)
	// Output:
	// 91350100M000100Y43 <nil>
	// cnid: invalid identifier: check
}

func ExampleError() {
	_, err := cnid.NormalizeCreditCode("91350100M000100I43")
	var e *cnid.Error
	if errors.As(err, &e) {
		// Callers turn the rule into a message key.
		fmt.Println("field.credit_code." + e.Rule)
	}
	// Output: field.credit_code.charset
}

func ExampleCreditCodeCheck() {
	c, err := cnid.CreditCodeCheck("91440300708461136")
	fmt.Printf("%c %v\n", c, err)
	// Output: T <nil>
}

func ExampleMakeCreditCode() {
	// A social organisation (5 1) registered in Shanghai (310000); the last
	// body character is a placeholder that MakeCreditCode replaces.
	code, err := cnid.MakeCreditCode("51310000MJ1234560")
	fmt.Println(code, err)
	// Output: 51310000MJ1234561Q <nil>
}

func ExampleParseResidentID() {
	id, err := cnid.ParseResidentID("11010519491231002x")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.Number, id.Region, id.Birth.Format(time.DateOnly), id.Male)
	// Output: 11010519491231002X 110105 1949-12-31 false
}

func ExampleResidentIDCheck() {
	c, err := cnid.ResidentIDCheck("11010519491231002")
	fmt.Printf("%c %v\n", c, err)
	// Output: X <nil>
}

func ExampleMakeResidentID() {
	n, err := cnid.MakeResidentID("440304", time.Date(1990, time.March, 8, 0, 0, 0, 0, time.UTC), 123)
	fmt.Println(n, err)
	// Output: 440304199003081235 <nil>
}

func ExampleNormalizeMobile() {
	for _, s := range []string{"+86 138-1234-5678", "8613812345678", "12812345678"} {
		m, err := cnid.NormalizeMobile(s)
		fmt.Printf("%q %v\n", m, err)
	}
	// Output:
	// "13812345678" <nil>
	// "13812345678" <nil>
	// "" cnid: invalid identifier: prefix
}

func ExampleMaskResidentID() {
	fmt.Println(cnid.MaskResidentID("11010519491231002X"))
	// Output: 110***********00*X
}

func ExampleMaskMobile() {
	fmt.Println(cnid.MaskMobile("+86 138 1234 5678"))
	// Output: 138****5678
}
