package api

// Op describes one route for the OpenAPI document: what it is called, what
// it reads and what it answers, as Go values whose types the document is
// reflected from. Routes build it with doc(...) and the methods below.
type Op struct {
	id, tag, summary, desc string
	query                  []Param
	body                   any    // a value of the request body's Go type, or a *schema
	bodyType               string // content type; JSON when empty
	bodyJSON               any    // a multipart body's alternative: a JSON object of this Go type (OrJSON)
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

// Param is a query parameter.
type Param struct {
	name, desc string
	schema     *Schema
	Ref        string // a components/parameters entry instead
}

// OneOf is an answer that is one of several Go types (who asks decides),
// a component of its own when named.
type OneOf struct {
	name  string
	desc  string
	Types []any
}

func Doc(id, summary string) Op { return Op{id: id, summary: summary} }

// About adds a longer description.
func (o Op) About(desc string) Op { o.desc = desc; return o }

// In: the request body, a JSON object of v's type that must be sent.
func (o Op) In(v any) Op { o.body, o.bodyRequired = v, true; return o }

// OptIn: the request body may be left out (it reads as {}).
func (o Op) OptIn(v any) Op { o.body, o.bodyRequired = v, false; return o }

// Form: a multipart/form-data body.
func (o Op) Form(s *Schema) Op { o.body, o.bodyType = s, "multipart/form-data"; return o }

// OrJSON: a Form's body may instead be a JSON object of v's type (an
// entry without files, say).
func (o Op) OrJSON(v any) Op { o.bodyJSON = v; return o }

// Out: 200 with a JSON body of v's type.
func (o Op) Out(v any) Op { return o.Also(200, "OK", v) }

// Made: 201 with Location and a JSON body of v's type.
func (o Op) Made(v any) Op {
	o.answers = append(o.answers, answer{status: 201, desc: "Created", body: v, location: true})
	return o
}

// Also: another success answer.
func (o Op) Also(status int, desc string, v any) Op {
	o.answers = append(o.answers, answer{status: status, desc: desc, body: v})
	return o
}

// None: 204, no body.
func (o Op) None(desc string) Op { return o.Also(204, desc, nil) }

// File: 200 with a file of this content type, sent as an attachment.
func (o Op) File(contentType, desc string) Op {
	kind := "binary"
	if contentType == "text/calendar" {
		kind = "text"
	}
	o.answers = append(o.answers, answer{status: 200, desc: desc, files: map[string]string{contentType: kind}, disposition: 1})
	return o
}

// Image: 200 with a picture in one of these types, shown inline.
func (o Op) Image(desc string, types ...string) Op {
	a := answer{status: 200, desc: desc, files: map[string]string{}}
	for _, t := range types {
		a.files[t] = "binary"
	}
	o.answers = append(o.answers, a)
	return o
}

// OrFile: the 200 answer may instead be a file of this type.
func (o Op) OrFile(contentType string) Op {
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

// Params: query parameters.
func (o Op) Params(ps ...Param) Op { o.query = append(o.query, ps...); return o }

// Paged: the list takes limit and cursor.
func (o Op) Paged() Op { return o.Params(pageParams...) }

// Errors: error statuses the route's shape does not imply (see standardErrors).
func (o Op) Errors(statuses ...int) Op { o.errs = append(o.errs, statuses...); return o }

// Fail: an error status with its own description (a specific code).
func (o Op) Fail(status int, desc string) Op {
	o.fails = append(o.fails, answer{status: status, desc: desc})
	return o
}

// Query parameter helpers.
func QP(name, desc string, s *Schema) Param { return Param{name: name, desc: desc, schema: s} }

// pageParams are the limit and cursor of a list.
var pageParams = []Param{{Ref: "limit"}, {Ref: "cursor"}}

func Str() *Schema { return &Schema{Type: "string"} }
func IDS() *Schema { return Ref("ID") }
func DateS() *Schema {
	return &Schema{Type: "string", Format: "date"}
}
func BoolS() *Schema { return &Schema{Type: "boolean"} }
func intS() *Schema  { return &Schema{Type: "integer"} }
func EnumS(values ...string) *Schema {
	s := &Schema{Type: "string"}
	for _, v := range values {
		s.Enum = append(s.Enum, v)
	}
	return s
}

// flags is the true/false a query flag is written as.
func FlagS() *Schema { return EnumS("true", "false") }

// WithTag sets the tag of every route in rs that has none.
func WithTag(tag string, rs []Route) []Route {
	for i := range rs {
		if rs[i].Doc.tag == "" {
			rs[i].Doc.tag = tag
		}
	}
	return rs
}

// PropsOf lists properties as name, schema pairs.
func PropsOf(kv ...any) *omap {
	p := &omap{}
	for i := 0; i+1 < len(kv); i += 2 {
		p.set(kv[i].(string), kv[i+1])
	}
	return p
}

// Empty is a body with nothing in it: {}.
type Empty struct{}
