package detect

import "testing"

func TestIP(t *testing.T) {
	t.Parallel()
	runSpanCases(t, NewIP(), []spanCase{
		{desc: "v4", in: "my ip is 192.168.1.10", want: []string{"192.168.1.10"}},
		{desc: "v4 with port", in: "host 10.0.0.1:8080", want: []string{"10.0.0.1"}},
		{desc: "v4 CIDR", in: "route 172.16.0.0/12 via", want: []string{"172.16.0.0"}},
		{desc: "v4 end of sentence", in: "It was 8.8.8.8.", want: []string{"8.8.8.8"}},
		{desc: "v4 octet over 255", in: "256.1.1.1", want: nil},
		{desc: "v4 leading zero", in: "010.1.1.1", want: nil},
		{desc: "windows build", in: "Windows 10.0.19045.3570", want: nil},
		{desc: "longer dotted run", in: "1.2.3.4.5 and a.1.2.3.4 and 1.2.3.4.b", want: nil},
		{desc: "version word", in: "version 1.2.3.4 released", want: nil},
		{desc: "three parts", in: "12.10.2023", want: nil},
		{desc: "v6 compressed", in: "IP:2001:db8::1.", want: []string{"2001:db8::1"}},
		{desc: "v6 full upper", in: "addr FE80:0000:0000:0000:0202:B3FF:FE1E:8329 up", want: []string{"FE80:0000:0000:0000:0202:B3FF:FE1E:8329"}},
		{desc: "v6 zone", in: "fe80::1%eth0 is up", want: []string{"fe80::1%eth0"}},
		{desc: "v6 mapped v4", in: "::ffff:192.0.2.1", want: []string{"::ffff:192.0.2.1", "192.0.2.1"}},
		{desc: "v6 in brackets", in: "http://[2001:db8::8]:80/", want: []string{"2001:db8::8"}},
		{desc: "v6 trailing colon", in: "use 2001:db8::2: it works", want: []string{"2001:db8::2"}},
		{desc: "C++ scope", in: "std::string and Foo::Bar", want: nil},
		{desc: "time", in: "at 12:30:45 or 10:30", want: nil},
		{desc: "MAC is not v6", in: "aa:bb:cc:dd:ee:ff", want: nil},
		{desc: "unspecified", in: "bind :: only", want: nil},
	})
}

func FuzzIP(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "::ffff:1.2.3.4", "fe80::1%eth0", "a:b::c:", ":::", "1.2.3.4.5", "[::1]:8"} {
		f.Add(s)
	}
	d := NewIP()
	f.Fuzz(func(t *testing.T, s string) { checkFindings(t, d, s, ".:") })
}

func BenchmarkIP(b *testing.B) {
	benchDetector(b, NewIP(), "Login from 192.168.10.24 and 2001:db8::8a2e:370:7334 at 10:45, see 1.2 version. ")
}
