package importstest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"io"
	"testing"
)

// ZipOf writes a zip of one entry, name, whose content head then line
// repeated n times is streamed through deflate (never held whole).
func ZipOf(t testing.TB, name, head, line, tail string, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	z := Deflating(&b)
	f, err := z.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	io.WriteString(w, head)
	for range n {
		io.WriteString(w, line)
	}
	io.WriteString(w, tail)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Deflating is a zip writer that compresses as hard as Go's deflate can,
// as a bomb's maker would (zlib's level 9 packs about twice as tight: the
// issue's 2.5 KB bomb of 200,000 rows is 4.4 KB here, its 307 KB workbook
// 640 KB; the rows and bytes they expand to are the same).
func Deflating(w io.Writer) *zip.Writer {
	z := zip.NewWriter(w)
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	return z
}

// Zipped writes a zip of the files given, name then content, in order.
func Zipped(t testing.TB, files ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, f := range files {
		w, err := z.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, f[1])
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
