package api

// op describes one route for the OpenAPI document: what it is called, what
// it reads and what it answers, as Go values whose types the document is
// reflected from. Routes build it with doc(...) and the methods below.
type op struct {
	id, tag, summary, desc string
	query                  []param
	body                   any    // a value of the request body's Go type, or a *schema
	bodyType               string // content type; JSON when empty
	bodyRequired           bool
	answers                []answer
	errs                   []int // error statuses beyond those the route's shape implies
	fails                  []answer
}

// answer is one documented response.
type answer struct {
	status      int
	desc        string
	body        any               // Go value, *schema or oneOf; nil for none
	files       map[string]string // content type -> schema kind ("binary" or "text") for file answers
	location    bool
	disposition int // 0 none, 1 required, 2 when a file is sent
}

// param is a query parameter.
type param struct {
	name, desc string
	schema     *schema
	ref        string // a components/parameters entry instead
}

// oneOf is an answer that is one of several Go types (who asks decides),
// a component of its own when named.
type oneOf struct {
	name  string
	desc  string
	types []any
}

func doc(id, summary string) op { return op{id: id, summary: summary} }

// about adds a longer description.
func (o op) about(desc string) op { o.desc = desc; return o }

// in: the request body, a JSON object of v's type that must be sent.
func (o op) in(v any) op { o.body, o.bodyRequired = v, true; return o }

// optIn: the request body may be left out (it reads as {}).
func (o op) optIn(v any) op { o.body, o.bodyRequired = v, false; return o }

// form: a multipart/form-data body.
func (o op) form(s *schema) op { o.body, o.bodyType = s, "multipart/form-data"; return o }

// out: 200 with a JSON body of v's type.
func (o op) out(v any) op { return o.also(200, "OK", v) }

// made: 201 with Location and a JSON body of v's type.
func (o op) made(v any) op {
	o.answers = append(o.answers, answer{status: 201, desc: "Created", body: v, location: true})
	return o
}

// also: another success answer.
func (o op) also(status int, desc string, v any) op {
	o.answers = append(o.answers, answer{status: status, desc: desc, body: v})
	return o
}

// none: 204, no body.
func (o op) none(desc string) op { return o.also(204, desc, nil) }

// file: 200 with a file of this content type, sent as an attachment.
func (o op) file(contentType, desc string) op {
	kind := "binary"
	if contentType == "text/calendar" {
		kind = "text"
	}
	o.answers = append(o.answers, answer{status: 200, desc: desc, files: map[string]string{contentType: kind}, disposition: 1})
	return o
}

// image: 200 with a picture in one of these types, shown inline.
func (o op) image(desc string, types ...string) op {
	a := answer{status: 200, desc: desc, files: map[string]string{}}
	for _, t := range types {
		a.files[t] = "binary"
	}
	o.answers = append(o.answers, a)
	return o
}

// orFile: the 200 answer may instead be a file of this type.
func (o op) orFile(contentType string) op {
	for i := range o.answers {
		if o.answers[i].status == 200 {
			if o.answers[i].files == nil {
				o.answers[i].files = map[string]string{}
			}
			o.answers[i].files[contentType] = "binary"
			o.answers[i].disposition = 2
		}
	}
	return o
}

// params: query parameters.
func (o op) params(ps ...param) op { o.query = append(o.query, ps...); return o }

// paged: the list takes limit and cursor.
func (o op) paged() op { return o.params(pageParams...) }

// errors: error statuses the route's shape does not imply (see standardErrors).
func (o op) errors(statuses ...int) op { o.errs = append(o.errs, statuses...); return o }

// fail: an error status with its own description (a specific code).
func (o op) fail(status int, desc string) op {
	o.fails = append(o.fails, answer{status: status, desc: desc})
	return o
}

// Query parameter helpers.
func qp(name, desc string, s *schema) param { return param{name: name, desc: desc, schema: s} }

// pageParams are the limit and cursor of a list.
var pageParams = []param{{ref: "limit"}, {ref: "cursor"}}

func str() *schema { return &schema{Type: "string"} }
func idS() *schema { return ref("ID") }
func dateS() *schema {
	return &schema{Type: "string", Format: "date"}
}
func boolS() *schema { return &schema{Type: "boolean"} }
func intS() *schema  { return &schema{Type: "integer"} }
func enumS(values ...string) *schema {
	s := &schema{Type: "string"}
	for _, v := range values {
		s.Enum = append(s.Enum, v)
	}
	return s
}

// flags is the true/false a query flag is written as.
func flagS() *schema { return enumS("true", "false") }

// withTag sets the tag of every route in rs that has none.
func withTag(tag string, rs []route) []route {
	for i := range rs {
		if rs[i].doc.tag == "" {
			rs[i].doc.tag = tag
		}
	}
	return rs
}

// propsOf lists properties as name, schema pairs.
func propsOf(kv ...any) *omap {
	p := &omap{}
	for i := 0; i+1 < len(kv); i += 2 {
		p.set(kv[i].(string), kv[i+1])
	}
	return p
}

// empty is a body with nothing in it: {}.
type empty struct{}
