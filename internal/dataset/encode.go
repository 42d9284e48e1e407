package dataset

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/parley-graph/parley/internal/parley"
)

// Encode writes ds to w in the format, an entry at a time: the same bytes
// as the whole dataset marshalled at once, without ever holding them (or
// the YAML library's tree of them) whole, so that writing a dataset of a
// million entries takes the memory of one entry.
func Encode(w io.Writer, ds *parley.Dataset, format Format) error {
	switch format {
	case JSON:
	case YAML, "":
		format = YAML
	default:
		return parley.Errorf(parley.EInvalid, "unknown format %q: use yaml or json", format)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	e := &encoder{w: bw, format: format}
	if err := e.dataset(ds); err != nil {
		return err
	}
	return bw.Flush()
}

type encoder struct {
	w      *bufio.Writer
	format Format
	buf    bytes.Buffer
	json   *json.Encoder
}

var datasetType = reflect.TypeOf(parley.Dataset{})

// dataset writes the fields of ds in their order, as the libraries do:
// defaultSource, then each section that has entries.
func (e *encoder) dataset(ds *parley.Dataset) error {
	v := reflect.ValueOf(ds).Elem()
	first := true
	for i := 0; i < datasetType.NumField(); i++ {
		f := datasetType.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if key == "-" || v.Field(i).IsZero() {
			continue
		}
		var err error
		if f.Type.Kind() == reflect.Slice {
			if v.Field(i).Len() == 0 {
				continue
			}
			err = e.section(key, i, v.Field(i), first)
		} else {
			err = e.scalar(key, i, v.Field(i), first)
		}
		if err != nil {
			return err
		}
		first = false
	}
	if e.format == JSON {
		if first {
			_, err := e.w.WriteString("{}\n")
			return err
		}
		_, err := e.w.WriteString("\n}\n")
		return err
	}
	if first {
		_, err := e.w.WriteString("{}\n")
		return err
	}
	return nil
}

// one returns a dataset that holds only x in its i-th field.
func one(i int, x reflect.Value) *parley.Dataset {
	ds := &parley.Dataset{}
	reflect.ValueOf(ds).Elem().Field(i).Set(x)
	return ds
}

// yamlOptions are the options of Write's YAML.
var yamlOptions = []yaml.EncodeOption{yaml.Indent(2), yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(true)}

// scalar writes a field that is not a list (defaultSource).
func (e *encoder) scalar(key string, i int, x reflect.Value, first bool) error {
	if e.format == YAML {
		b, err := yaml.MarshalWithOptions(one(i, x), yamlOptions...)
		if err != nil {
			return err
		}
		_, err = e.w.Write(b)
		return err
	}
	b, err := e.jsonValue(x.Interface(), "  ")
	if err != nil {
		return err
	}
	e.jsonKey(key, first)
	_, err = e.w.Write(b)
	return err
}

// jsonKey writes what goes before a key's value: the end of the last
// value, or the opening brace.
func (e *encoder) jsonKey(key string, first bool) {
	if first {
		e.w.WriteString("{\n")
	} else {
		e.w.WriteString(",\n")
	}
	k, _ := json.Marshal(key)
	e.w.WriteString("  ")
	e.w.Write(k)
	e.w.WriteString(": ")
}

// jsonValue encodes x as it stands at the indentation prefix, without the
// newline the encoder ends it with.
func (e *encoder) jsonValue(x any, prefix string) ([]byte, error) {
	e.buf.Reset()
	enc := json.NewEncoder(&e.buf)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")), nil
}

// section writes a list, an entry at a time. In YAML each entry is the
// section holding it alone, without the section's key line: the library
// indents it as it would in the whole.
func (e *encoder) section(key string, i int, list reflect.Value, first bool) error {
	if e.format == JSON {
		e.jsonKey(key, first)
		e.w.WriteString("[\n")
	} else {
		e.w.WriteString(key + ":\n")
	}
	for j := 0; j < list.Len(); j++ {
		if e.format == JSON {
			b, err := e.jsonValue(list.Index(j).Interface(), "    ")
			if err != nil {
				return err
			}
			if j > 0 {
				e.w.WriteString(",\n")
			}
			e.w.WriteString("    ")
			e.w.Write(b)
			continue
		}
		b, err := yaml.MarshalWithOptions(one(i, list.Slice(j, j+1)), yamlOptions...)
		if err != nil {
			return err
		}
		_, entry, _ := bytes.Cut(b, []byte("\n"))
		if _, err := e.w.Write(entry); err != nil {
			return err
		}
	}
	if e.format == JSON {
		_, err := e.w.WriteString("\n  ]")
		return err
	}
	return nil
}
