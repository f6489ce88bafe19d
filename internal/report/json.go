package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// The dashboard's and a child's JSON carry the registered sections'
// properties as if they were fields: a dashboard's sections after
// members (before as_of), a child's columns after left. DashboardType and
// ChildType are the Go types of that JSON, for the OpenAPI document.

// plainDashboard and plainChild are written by encoding/json without the
// sections.
type (
	plainDashboard Dashboard
	plainChild     Child
)

// dashboardTail is what follows the sections in a dashboard's JSON.
type dashboardTail struct {
	AsOf           time.Time `json:"as_of"`
	PendingChanges int64     `json:"pending_changes"`
}

// MarshalJSON writes the dashboard with each section's figures under its key.
func (d Dashboard) MarshalJSON() ([]byte, error) {
	all, err := json.Marshal(plainDashboard(d))
	if err != nil {
		return nil, err
	}
	tail, err := json.Marshal(dashboardTail{d.AsOf, d.PendingChanges})
	if err != nil {
		return nil, err
	}
	// all ends with ,"as_of":…} — the tail without its opening brace.
	cut := len(all) - len(tail)
	if cut < 1 || !bytes.Equal(all[cut+1:], tail[1:]) || all[cut] != ',' {
		return nil, fmt.Errorf("report: dashboard JSON does not end with its tail")
	}
	props := make([]property, len(d.Sections))
	for i, s := range d.Sections {
		props[i] = property{s.Section.Key(), s.Value}
	}
	head := append(all[:cut:cut], '}')
	return spliceJSON(head, tail, props)
}

// MarshalJSON writes the child with its columns after left.
func (c Child) MarshalJSON() ([]byte, error) {
	all, err := json.Marshal(plainChild(c))
	if err != nil {
		return nil, err
	}
	var props []property
	for _, col := range columns() {
		props = append(props, property{col.Key, c.Extra[col.Key]})
	}
	return spliceJSON(all, []byte("{}"), props)
}

// DashboardType is the Go type of a dashboard's JSON: Dashboard's fields
// with a field per section before as_of.
func DashboardType() reflect.Type {
	t := reflect.TypeFor[Dashboard]()
	var fields []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		if f.Name == "AsOf" {
			for _, s := range Sections() {
				fields = append(fields, docField(s.Key(), s.Type()))
			}
		}
		fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
	}
	return reflect.StructOf(fields)
}

// ChildType is the Go type of a child's JSON: Child's fields and a field
// per column.
func ChildType() reflect.Type {
	t := reflect.TypeFor[Child]()
	var fields []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && f.Tag.Get("json") != "-" {
			fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
		}
	}
	for _, c := range columns() {
		fields = append(fields, docField(c.Key, reflect.TypeFor[int64]()))
	}
	return reflect.StructOf(fields)
}

// docField is a field written under key: its Go name is made of the key
// (which need not be an identifier).
func docField(key string, t reflect.Type) reflect.StructField {
	name := "X" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, key)
	return reflect.StructField{Name: name, Type: t, Tag: reflect.StructTag(`json:"` + key + `"`)}
}
