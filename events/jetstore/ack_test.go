package jetstore

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The acknowledgements a publish may get, as nats-server v2.15 writes
// them: read without encoding/json or with it, they read the same.
func TestAcknowledgementsReadAsEncodingJSONReadsThem(t *testing.T) {
	for _, data := range []string{
		`{"stream":"PALABRE_EVENTS","seq":1}`,
		`{"stream":"PALABRE_EVENTS","seq":18446744073709551615}`,
		`{"stream":"PALABRE_EVENTS","seq":42,"batch":"Zs3GBi8W2ZQm1PoWz1kvtM","count":3}`,
		`{"stream":"PALABRE_EVENTS","seq":42,"duplicate": true,"batch":"Zs3GBi8W2ZQm1PoWz1kvtM","count":3}`,
		`{"stream":"PALABRE_EVENTS","seq":42,"duplicate":true}`,
		`{"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 41"},"stream":"PALABRE_EVENTS","seq":0}`,
		`{"stream":"PALABRE_EVENTS","seq":42,"batch":"x","count":3,"error":{"code":503,"err_code":10008,"description":"unavailable"}}`,
		`{"stream":"PALABRE_EVENTS","seq":99999999999999999999}`,
		`{"stream":"PALABRE_EVENTS","seq":}`,
		`{"stream":"OTHER","seq":7}`,
	} {
		got, gotErr := readPubAck([]byte(data))
		var want pubAck
		wantErr := json.Unmarshal([]byte(data), &want)
		if (gotErr != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, %v; encoding/json reads %+v, %v", data, got, gotErr, want, wantErr)
		}
	}
}

func FuzzAcknowledgementsReadAsEncodingJSONReadsThem(f *testing.F) {
	f.Add(`{"stream":"PALABRE_EVENTS","seq":12,"batch":"b","count":2}`)
	f.Add(`{"stream":"PALABRE_EVENTS","seq":12}`)
	f.Fuzz(func(t *testing.T, data string) {
		got, gotErr := readPubAck([]byte(data))
		var want pubAck
		wantErr := json.Unmarshal([]byte(data), &want)
		if gotErr == nil && wantErr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %+v; encoding/json reads %+v", data, got, want)
		}
		if gotErr == nil && wantErr != nil {
			t.Errorf("%q: read as %+v, which encoding/json refuses: %v", data, got, wantErr)
		}
	})
}
