#!/usr/bin/env python3
"""Generate the held-out PII corpus (pii-heldout.jsonl) for Veil's detectors.

Python 3 standard library only, deterministic for a given seed:

    python3 gen.py [--seed 7331] [--out pii-heldout.jsonl]

Every value is produced here with its own checksum code (Luhn, ISO 7064 mod 97-10 and 11,10,
each national scheme), written from the public specifications and independent of the Go
validators, so a bug in a Go validator is not copied into the labels. Phone numbers are drawn
from the national number ranges of each country. Person names are composed from rare given names
and surnames and filtered against the detector's gazetteer (../../names/*.txt) so that none of
them is a gazetteer entry. See README.md for how this corpus differs from the development corpus.
"""

import argparse
import json
import os
import random
import string

LANGS = ["en", "de", "fr", "it", "es", "nl", "pl", "ro"]
PER_LANG = 150
NEG_SHARE = 0.30

R = random.Random()

# ---------------------------------------------------------------------------------------------
# checksums


def luhn_digit(payload):
    """The Luhn check digit that completes the digit string payload."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        n = int(ch)
        if i % 2 == 0:  # the digit next to the check digit is doubled
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def luhn_ok(d):
    if not d.isdigit() or len(d) < 2:
        return False
    return luhn_digit(d[:-1]) == d[-1]


def alnum_to_int(s):
    out = []
    for ch in s.upper():
        if ch.isdigit():
            out.append(ch)
        else:
            out.append(str(ord(ch) - 55))
    return int("".join(out))


def iban_check(country, bban):
    return "%02d" % (98 - alnum_to_int(bban + country + "00") % 97)


def iban_ok(iban):
    s = iban.replace(" ", "").upper()
    return alnum_to_int(s[4:] + s[:4]) % 97 == 1


def mod11_10(digits):
    """ISO 7064 MOD 11,10 check digit (DE Steuer-IdNr, HR OIB)."""
    p = 10
    for ch in digits:
        s = (int(ch) + p) % 10
        if s == 0:
            s = 10
        p = (s * 2) % 11
    return str((11 - p) % 10)


# ---------------------------------------------------------------------------------------------
# small helpers


def pick(xs):
    return R.choice(xs)


def digits(n, first="0123456789"):
    return R.choice(first) + "".join(R.choice(string.digits) for _ in range(n - 1))


def group(s, sizes, sep=" "):
    out, i = [], 0
    for n in sizes:
        out.append(s[i:i + n])
        i += n
    if i < len(s):
        out.append(s[i:])
    return sep.join(x for x in out if x)


def groups_of(s, n, sep=" "):
    return sep.join(s[i:i + n] for i in range(0, len(s), n))


def rand_date(y0=1938, y1=2006):
    import datetime
    start = datetime.date(y0, 1, 1).toordinal()
    end = datetime.date(y1, 12, 31).toordinal()
    return datetime.date.fromordinal(R.randint(start, end))


# ---------------------------------------------------------------------------------------------
# IBAN


def _it_cin(body):
    odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
    total = 0
    for i, ch in enumerate(body):
        v = int(ch) if ch.isdigit() else ord(ch) - 65
        total += odd[v] if i % 2 == 0 else v
    return chr(65 + total % 26)


def _es_ccc(bank, branch, account):
    w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]

    def d(s):
        c = 11 - sum(int(x) * y for x, y in zip(s, w)) % 11
        return {11: 0, 10: 1}.get(c, c)
    return "%d%d" % (d("00" + bank + branch), d(account))


def _fr_rib(bank, branch, account):
    return "%02d" % (97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97)


def bban(country):
    if country == "DE":
        return digits(8, "1234567") + digits(10)
    if country == "AT":
        return digits(5, "1234") + digits(11)
    if country == "CH":
        return "00" + digits(3, "2789") + digits(12)
    if country == "LU":
        return pick(["001", "002", "003", "008", "014", "019", "030"]) + digits(13)
    if country == "FI":
        b = digits(13, "1234578")
        return b + luhn_digit(b)
    if country == "SE":
        return pick(["500", "800", "600", "300", "120"]) + digits(17)
    if country == "DK":
        return digits(14, "123456789")
    if country == "PT":
        b = pick(["0033", "0035", "0036", "0007", "0010", "0018"]) + digits(4) + digits(11)
        return b + "%02d" % (98 - (int(b) * 100) % 97)
    if country == "BE":
        b = pick(["001", "063", "068", "310", "363", "731", "751"]) + digits(7)
        c = int(b) % 97 or 97
        return b + "%02d" % c
    if country == "IE":
        return pick(["AIBK", "BOFI", "IPBS", "ULSB"]) + digits(6, "9") + digits(8)
    if country == "GB":
        return pick(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]) + digits(6, "2346") + digits(8)
    if country == "FR":
        bank, branch, acc = digits(5, "123"), digits(5), digits(11)
        return bank + branch + acc + _fr_rib(bank, branch, acc)
    if country == "IT":
        body = digits(5, "03") + digits(5, "01") + digits(12)
        return _it_cin(body) + body
    if country == "ES":
        bank, branch, acc = pick(["2100", "0049", "0182", "2080", "0081", "1465"]), digits(4), digits(10)
        return bank + branch + _es_ccc(bank, branch, acc) + acc
    if country == "NL":
        return pick(["ABNA", "INGB", "RABO", "TRIO", "SNSB", "ASNB", "KNAB", "BUNQ"]) + digits(10, "0123456")
    if country == "PL":
        return digits(8, "1") + digits(16)
    if country == "RO":
        return pick(["BTRL", "RNCB", "BRDE", "INGB", "BACX", "RZBR"]) + digits(16)
    raise ValueError(country)


IBAN_COUNTRIES = {
    "en": ["GB", "IE", "PT", "FI", "SE", "DK", "LU", "CH"],
    "de": ["DE", "AT", "CH", "LU", "DK"],
    "fr": ["FR", "BE", "LU", "CH", "PT"],
    "it": ["IT", "CH", "AT", "PT"],
    "es": ["ES", "PT", "FI", "SE"],
    "nl": ["NL", "BE", "LU", "DK", "SE"],
    "pl": ["PL", "DE", "SE", "FI"],
    "ro": ["RO", "AT", "IT", "DK"],
}


def iban(lang):
    c = pick(IBAN_COUNTRIES[lang])
    b = bban(c)
    v = c + iban_check(c, b) + b
    assert iban_ok(v)
    form = R.random()
    if form < 0.35:
        v = groups_of(v, 4)
    elif form < 0.45:
        v = v.lower()
    elif form < 0.52:
        v = groups_of(v, 4).lower()
    elif form < 0.56:
        v = groups_of(v, 4, "-")
    return v


# ---------------------------------------------------------------------------------------------
# payment cards


def card():
    brand = pick(["visa", "visa", "visa13", "visa19", "mc5", "mc2", "amex", "diners", "discover", "jcb",
                  "maestro", "unionpay"])
    prefix, n = {
        "visa": ("4", 16), "visa13": ("4", 13), "visa19": ("4", 19), "mc5": (pick(["51", "52", "53", "54", "55"]), 16),
        "mc2": (str(R.randint(2221, 2720)), 16), "amex": (pick(["34", "37"]), 15),
        "diners": (pick(["300", "305", "36", "38"]), 14), "discover": (pick(["6011", "644", "65"]), 16),
        "jcb": (str(R.randint(3528, 3589)), 16), "maestro": (pick(["6759", "5018", "5020", "6304"]), 16),
        "unionpay": ("62", pick([16, 19])),
    }[brand]
    body = prefix + "".join(R.choice(string.digits) for _ in range(n - 1 - len(prefix)))
    d = body + luhn_digit(body)
    assert luhn_ok(d) and len(d) == n
    if n == 15:
        sizes = [4, 6, 5]
    elif n == 14:
        sizes = [4, 6, 4]
    elif n == 13:
        sizes = [4, 4, 5] if R.random() < 0.5 else [4, 3, 3, 3]
    else:
        sizes = [4] * (n // 4)
    f = R.random()
    if f < 0.45:
        return group(d, sizes, " ")
    if f < 0.65:
        return group(d, sizes, "-")
    if f < 0.85:
        return d
    if n == 16 and f < 0.92:
        return group(d, [4, 4, 4, 4], ".")
    return group(d, sizes, "  ") if n == 16 and f < 0.95 else group(d, sizes, " ")


# ---------------------------------------------------------------------------------------------
# IP addresses


def ipv4():
    first = pick([10, 172, 192, 81, 85, 91, 109, 145, 178, 193, 212, 217, 62, 89, 94, 5, 31, 46, 77, 213])
    return "%d.%d.%d.%d" % (first, R.randint(0, 255), R.randint(0, 255), R.randint(1, 254))


def ipv6():
    hx = lambda: "%x" % R.randint(0, 0xFFFF)
    f = R.random()
    if f < 0.2:
        v = "2a0%x:%s:%s:%s:%s:%s:%s:%s" % (R.randint(0, 15), hx(), hx(), hx(), hx(), hx(), hx(), hx())
    elif f < 0.4:
        v = "2001:db8:%s::%s" % (hx(), hx())
    elif f < 0.55:
        v = "::ffff:" + ipv4()
    elif f < 0.7:
        v = "fe80::%s:%s:%s:%s" % (hx(), hx(), hx(), hx())
    elif f < 0.8:
        v = "2a02:%04x:%04x:%04x:0000:0000:%04x:%04x" % tuple(R.randint(0, 0xFFFF) for _ in range(5))
    else:
        v = "2001:%s:%s:%s::%s:%s" % (hx(), hx(), hx(), hx(), hx())
    if R.random() < 0.25:
        v = v.upper()
    return v


# ---------------------------------------------------------------------------------------------
# e-mail


EMAIL_DOMAINS = {
    "en": ["btinternet.com", "mail.ox.ac.uk", "students.ed.ac.uk", "protonmail.com", "outlook.co.uk", "fastmail.fm", "nhs.net"],
    "de": ["web.de", "gmx.at", "t-online.de", "posteo.de", "uni-koeln.de", "mailbox.org", "müller-bau.de", "bücherstube.de"],
    "fr": ["orange.fr", "laposte.net", "free.fr", "univ-lyon1.fr", "sfr.fr", "crème-brûlée.fr"],
    "it": ["libero.it", "tiscali.it", "alice.it", "studenti.unimi.it", "pec.it", "virgilio.it"],
    "es": ["telefonica.net", "ono.com", "alumnos.upm.es", "yahoo.es", "correo.ugr.es", "peñarroya.es"],
    "nl": ["ziggo.nl", "kpnmail.nl", "planet.nl", "student.uva.nl", "xs4all.nl", "casema.nl"],
    "pl": ["wp.pl", "o2.pl", "interia.pl", "onet.eu", "student.uw.edu.pl", "poczta.fm", "żabka.pl"],
    "ro": ["yahoo.ro", "gmail.com", "rdslink.ro", "student.ubbcluj.ro", "clicknet.ro", "mail.utcluj.ro"],
}

DEACCENT = str.maketrans({**dict(zip("äöüéèêëàâçîïôûùñóíáúłśżźćńęąășşțţò", "aoueeeeaaciiouunoiaulszzcneaasstto")), "ß": "ss"})


def email(lang, first, last):
    f = first.lower().translate(DEACCENT).replace(" ", "").replace("'", "")
    l = last.lower().translate(DEACCENT).replace(" ", "").replace("'", "")
    local = pick([
        f + "." + l, f[0] + "." + l, f + "_" + l + str(R.randint(1, 99)), l + "." + f + "+" + pick(["shop", "news", "promo", "veil", "2024"]),
        f + "-" + l, f + str(R.randint(1960, 2005)), l + f[0], f + "." + l + "+" + pick(["orders", "bank", "x"]),
    ])
    dom = pick(EMAIL_DOMAINS[lang])
    v = local + "@" + dom
    f2 = R.random()
    if f2 < 0.08:
        v = v.upper()
    elif f2 < 0.2:
        v = v[0].upper() + v[1:]
    elif f2 < 0.25 and lang in ("de", "fr", "es", "pl"):
        # a Unicode local part (RFC 6531)
        v = first.lower().replace(" ", "") + "." + last.lower().replace(" ", "").replace("'", "") + "@" + dom
    return v


# ---------------------------------------------------------------------------------------------
# phones: national number ranges (the significant number without trunk 0) and spellings


def phone(lang):
    return {
        "en": _phone_gb, "de": _phone_de, "fr": _phone_fr, "it": _phone_it, "es": _phone_es,
        "nl": _phone_nl, "pl": _phone_pl, "ro": _phone_ro,
    }[lang]()


def _intl(cc, parts, trunk=True):
    """An international spelling of parts (the national significant number in groups)."""
    f = R.random()
    if f < 0.35:
        return "+%s %s" % (cc, " ".join(parts))
    if f < 0.5 and trunk:
        return "+%s (0)%s" % (cc, " ".join(parts))
    if f < 0.65:
        return "00%s %s" % (cc, " ".join(parts))
    if f < 0.8:
        return "+%s%s" % (cc, "".join(parts))
    if f < 0.9:
        return "+%s-%s" % (cc, "-".join(parts))
    return "+%s.%s" % (cc, ".".join(parts))


def _phone_gb():
    if R.random() < 0.6:
        n = "7" + pick(["1", "2", "3", "8", "9"]) + digits(8)
        if n[1] == "8":
            n = "78" + pick("014569") + digits(7)
        if n[1] == "9":
            n = "79" + pick("024579") + digits(7)
        a, b = n[:4], n[4:]
        f = R.random()
        if f < 0.5:
            return R.choice(["0%s %s", "0%s-%s", "0%s%s", "(0%s) %s"]) % (a, b)
        if f < 0.65:
            return "0%s %s %s" % (a, b[:3], b[3:])
        return _intl("44", [a, b])
    area, rest = pick([("20", "3" + digits(7)), ("20", "7" + digits(7)), ("20", "8" + digits(7)),
                       ("161", digits(7, "2345678")), ("121", digits(7, "234567")), ("131", digits(7, "2345")),
                       ("113", digits(7, "2345")), ("117", digits(7, "2349"))])
    loc = group(rest, [4, 4]) if area == "20" else group(rest, [3, 4])
    if R.random() < 0.55:
        return R.choice(["0%s %s", "(0%s) %s", "0%s-%s"]) % (area, loc)
    return _intl("44", [area] + loc.split())


def _phone_de():
    if R.random() < 0.55:
        pre = pick(["151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174", "175", "176", "177", "178", "179"])
        rest = digits(8) if pre.startswith("15") or pre in ("176", "179") else digits(pick([7, 8]))
        if pre == "176" or pre == "179":
            rest = digits(8)
    else:
        pre = pick(["30", "40", "89", "69", "221", "211", "711", "341", "351", "511", "911"])
        rest = digits(pick([7, 8]) if len(pre) == 2 else pick([6, 7]), "23456789")
    f = R.random()
    if f < 0.15:
        return "0%s %s" % (pre, rest)
    if f < 0.3:
        return "0%s/%s" % (pre, rest)
    if f < 0.38:
        return "0%s / %s" % (pre, rest)
    if f < 0.48:
        return "(0%s) %s" % (pre, group(rest, [3, 2, 2, 2]) if len(rest) >= 7 else rest)
    if f < 0.55:
        return "0%s-%s" % (pre, rest)
    if f < 0.6:
        return "0%s %s" % (pre, group(rest, [2, 2, 2, 2]))
    return _intl("49", [pre, rest])


def _phone_fr():
    if R.random() < 0.6:
        n = "6" + digits(8, "0124578")
        if R.random() < 0.3:
            n = "7" + pick("3456789") + digits(7)
    else:
        n = pick("12345") + digits(8, "123456789")
    pairs = [n[1:3], n[3:5], n[5:7], n[7:9]]
    f = R.random()
    if f < 0.25:
        return "0%s %s" % (n[0], " ".join(pairs))
    if f < 0.4:
        return "0%s.%s" % (n[0], ".".join(pairs))
    if f < 0.5:
        return "0%s-%s" % (n[0], "-".join(pairs))
    if f < 0.6:
        return "0" + n
    return _intl("33", [n[0]] + pairs)


def _phone_it():
    if R.random() < 0.6:
        pre = pick(["320", "324", "328", "329", "330", "333", "334", "335", "338", "339", "340", "342", "345", "346", "347", "348", "349", "366", "380", "388", "389", "391", "392"])
        rest = digits(7)
        f = R.random()
        if f < 0.2:
            return "%s %s %s" % (pre, rest[:3], rest[3:])
        if f < 0.35:
            return "%s-%s" % (pre, rest)
        if f < 0.45:
            return "%s.%s.%s" % (pre, rest[:3], rest[3:])
        if f < 0.55:
            return pre + rest
        if f < 0.62:
            return "%s/%s" % (pre, rest)
        return _intl("39", [pre, rest[:3], rest[3:]], trunk=False)
    area, rest = pick([("06", digits(8, "3456789")), ("02", digits(8, "2345678")), ("011", digits(7, "3456789")),
                       ("055", digits(6, "2345")), ("081", digits(7, "2345678")), ("051", digits(6, "2345"))])
    f = R.random()
    if f < 0.25:
        return "%s %s" % (area, group(rest, [4, 4]) if len(rest) == 8 else rest)
    if f < 0.45:
        return "%s/%s" % (area, rest)
    if f < 0.55:
        return "(%s) %s" % (area, rest)
    if f < 0.65:
        return "%s-%s" % (area, rest)
    return _intl("39", [area, rest], trunk=False)


def _phone_es():
    if R.random() < 0.6:
        n = "6" + digits(8)
        if R.random() < 0.2:
            n = "7" + pick("1234") + digits(7)
        f = R.random()
        if f < 0.25:
            return group(n, [3, 3, 3])
        if f < 0.4:
            return group(n, [3, 2, 2, 2])
        if f < 0.5:
            return n
        if f < 0.6:
            return group(n, [3, 3, 3], "-")
        if f < 0.65:
            return group(n, [3, 3, 3], ".")
        return _intl("34", [n[:3], n[3:6], n[6:]], trunk=False)
    n = pick(["91", "93", "96", "95", "94", "98"]) + digits(7, "1234567")
    f = R.random()
    if f < 0.3:
        return group(n, [2, 3, 2, 2])
    if f < 0.45:
        return group(n, [3, 3, 3])
    if f < 0.55:
        return group(n, [2, 3, 2, 2], ".")
    return _intl("34", [n[:2], n[2:5], n[5:7], n[7:]], trunk=False)


def _phone_nl():
    if R.random() < 0.6:
        rest = pick("12345") + digits(7)
        f = R.random()
        if f < 0.25:
            return "06-%s" % rest
        if f < 0.4:
            return "06 %s" % rest
        if f < 0.5:
            return "06 %s %s" % (rest[:4], rest[4:])
        if f < 0.55:
            return "06-%s %s" % (rest[:4], rest[4:])
        if f < 0.6:
            return "06" + rest
        return _intl("31", ["6", rest[:4], rest[4:]])
    area = pick(["20", "10", "30", "70", "40", "50", "71", "72", "73", "76"])
    rest = digits(7, "2345678")
    f = R.random()
    if f < 0.3:
        return "0%s-%s" % (area, rest)
    if f < 0.5:
        return "0%s %s %s" % (area, rest[:3], rest[3:])
    if f < 0.6:
        return "(0%s) %s %s %s" % (area, rest[:3], rest[3:5], rest[5:])
    return _intl("31", [area, rest[:3], rest[3:]])


def _phone_pl():
    if R.random() < 0.65:
        n = pick(["50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"]) + digits(7)
        f = R.random()
        if f < 0.3:
            return group(n, [3, 3, 3])
        if f < 0.45:
            return group(n, [3, 3, 3], "-")
        if f < 0.55:
            return n
        return _intl("48", [n[:3], n[3:6], n[6:]], trunk=False)
    n = pick(["22", "12", "61", "71", "58", "42", "81"]) + digits(7, "2345678")
    f = R.random()
    if f < 0.35:
        return "%s %s %s %s" % (n[:2], n[2:5], n[5:7], n[7:])
    if f < 0.55:
        return "(%s) %s %s %s" % (n[:2], n[2:5], n[5:7], n[7:])
    if f < 0.65:
        return "%s-%s-%s-%s" % (n[:2], n[2:5], n[5:7], n[7:])
    return _intl("48", [n[:2], n[2:5], n[5:7], n[7:]], trunk=False)


def _phone_ro():
    if R.random() < 0.65:
        n = "7" + pick("234567") + digits(7)
        f = R.random()
        if f < 0.25:
            return "0%s %s %s" % (n[:3], n[3:6], n[6:])
        if f < 0.4:
            return "0%s-%s-%s" % (n[:3], n[3:6], n[6:])
        if f < 0.5:
            return "0%s.%s.%s" % (n[:3], n[3:6], n[6:])
        if f < 0.6:
            return "0" + n
        return _intl("40", [n[:3], n[3:6], n[6:]])
    if R.random() < 0.5:
        n = "21" + digits(7, "23")
        parts = [n[:2], n[2:5], n[5:7], n[7:]]
    else:
        n = pick(["264", "256", "232", "268", "241", "251"]) + digits(6, "2345")
        parts = [n[:3], n[3:6], n[6:]]
    if R.random() < 0.5:
        return "0" + " ".join(parts)
    return _intl("40", parts)


# ---------------------------------------------------------------------------------------------
# national ids


def _yy(d):
    return "%02d" % (d.year % 100)


def nid_de_tax():
    while True:
        first = R.choice("123456789")
        # first ten digits: exactly one digit appears twice or three times (not three in a row)
        pool = [c for c in "0123456789"]
        rep = R.choice(pool)
        times = pick([2, 2, 3])
        others = R.sample([c for c in pool if c != rep], 10 - times)
        body = list(others) + [rep] * times
        R.shuffle(body)
        s = "".join(body)
        if s[0] == "0":
            continue
        if times == 3 and rep * 3 in s:
            continue
        v = s + mod11_10(s)
        return v, pick([v, v, group(v, [2, 3, 3, 3])])


def nid_at_svnr():
    while True:
        d = rand_date()
        serial = digits(3, "123456789")
        dob = "%02d%02d%s" % (d.day, d.month, _yy(d))
        w = [3, 7, 9, 5, 8, 4, 2, 1, 6]
        ds = serial + dob
        c = sum(int(x) * y for x, y in zip(ds, w)) % 11
        if c == 10:
            continue
        v = serial + str(c) + dob
        return v, pick([v, v[:4] + " " + v[4:], v[:4] + " " + group(v[4:], [2, 2, 2]), v[:4] + "-" + v[4:]])


def nid_fr_nir():
    d = rand_date()
    sex = pick("12")
    dept = "%02d" % R.choice([x for x in range(1, 96) if x != 20])
    body = sex + _yy(d) + "%02d" % d.month + dept + "%03d" % R.randint(1, 990) + "%03d" % R.randint(1, 999)
    key = "%02d" % (97 - int(body) % 97)
    v = body + key
    return v, pick([v, group(v, [1, 2, 2, 2, 3, 3, 2]), v[:13] + " " + v[13:], group(v, [1, 2, 2, 2, 3, 3, 2])])


def nid_be_nn():
    d = rand_date(1940, 2006)
    base = "%s%02d%02d%03d" % (_yy(d), d.month, d.day, R.randint(1, 997))
    n = int(("2" if d.year >= 2000 else "") + base)
    c = "%02d" % (97 - n % 97)
    v = base + c
    return v, pick([v, "%s.%s.%s-%s.%s" % (v[:2], v[2:4], v[4:6], v[6:9], v[9:]), group(v, [2, 2, 2, 3, 2]),
                    v[:6] + "-" + v[6:9] + "-" + v[9:], v[:6] + " " + v[6:9] + " " + v[9:]])


CF_ODD = {**{str(i): v for i, v in enumerate([1, 0, 5, 7, 9, 13, 15, 17, 19, 21])},
          **{chr(65 + i): v for i, v in enumerate([1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23])}}


def _cf_check(s15):
    total = 0
    for i, ch in enumerate(s15):
        if i % 2 == 0:
            total += CF_ODD[ch]
        else:
            total += int(ch) if ch.isdigit() else ord(ch) - 65
    return chr(65 + total % 26)


def _cf_part(name, given):
    name = name.lower().translate(DEACCENT).upper().replace(" ", "").replace("'", "")
    cons = [c for c in name if c.isalpha() and c not in "AEIOU"]
    vows = [c for c in name if c in "AEIOU"]
    if given and len(cons) >= 4:
        cons = [cons[0], cons[2], cons[3]]
    s = "".join(cons + vows + ["X", "X", "X"])[:3]
    return s


def nid_it_cf(first="Gualtiero", last="Sciacchitano"):
    d = rand_date()
    female = R.random() < 0.5
    day = d.day + (40 if female else 0)
    town = pick("ABCDEFGHILMF") + "%03d" % R.randint(1, 999)
    s = _cf_part(last, False) + _cf_part(first, True) + _yy(d) + "ABCDEHLMPRST"[d.month - 1] + "%02d" % day + town
    v = s + _cf_check(s)
    return v, pick([v, v, v, v.lower(), group(v, [3, 3, 5, 5])])


def nid_es_dni():
    n = digits(8, "0123456789")
    v = n + "TRWAGMYFPDXBNJZSQVHLCKE"[int(n) % 23]
    return v, pick([v, v, n + "-" + v[-1], "%s.%s.%s-%s" % (n[:2], n[2:5], n[5:], v[-1]), n + " " + v[-1]])


def nid_es_nie():
    p = pick("XYZ")
    n = digits(7)
    v = p + n + "TRWAGMYFPDXBNJZSQVHLCKE"[int(str("XYZ".index(p)) + n) % 23]
    return v, pick([v, v, "%s-%s-%s" % (p, n, v[-1]), "%s %s %s" % (p, n, v[-1]), p + n + "-" + v[-1]])


def nid_nl_bsn():
    while True:
        d8 = digits(8, "123456789")
        s = sum(int(x) * w for x, w in zip(d8, range(9, 1, -1)))
        c = s % 11
        if c == 10:
            continue
        v = d8 + str(c)
        return v, pick([v, v, "%s.%s.%s" % (v[:4], v[4:6], v[6:]), "%s %s %s" % (v[:3], v[3:6], v[6:])])


def nid_pl_pesel():
    d = rand_date(1940, 2008)
    m = d.month + (20 if d.year >= 2000 else 0)
    body = "%s%02d%02d%04d" % (_yy(d), m, d.day, R.randint(0, 9999))
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    c = (10 - sum(int(x) * y for x, y in zip(body, w)) % 10) % 10
    v = body + str(c)
    return v, v


def nid_ro_cnp():
    d = rand_date(1940, 2006)
    s = pick("12") if d.year < 2000 else pick("56")
    county = "%02d" % pick(list(range(1, 47)) + [51, 52])
    body = "%s%s%02d%02d%s%03d" % (s, _yy(d), d.month, d.day, county, R.randint(1, 999))
    w = "279146358279"
    c = sum(int(x) * int(y) for x, y in zip(body, w)) % 11
    v = body + str(1 if c == 10 else c)
    return v, v


def nid_se_pnr():
    d = rand_date()
    b = "%s%02d%02d%03d" % (_yy(d), d.month, d.day, R.randint(0, 999))
    v = b + luhn_digit(b)
    f = R.random()
    if f < 0.5:
        return v, v[:6] + "-" + v[6:]
    if f < 0.8:
        full = str(d.year) + v[2:]
        return full, full[:8] + "-" + full[8:]
    return v, v


def nid_dk_cpr():
    d = rand_date()
    first = pick("0123") if d.year < 2000 else "4"  # the serial's first digit encodes the century
    v = "%02d%02d%s%s%03d" % (d.day, d.month, _yy(d), first, R.randint(0, 999))
    return v, v[:6] + "-" + v[6:]


def nid_fi_hetu():
    while True:
        d = rand_date(1940, 2008)
        sign = "-" if d.year < 2000 else "A"
        n = R.randint(2, 899)
        base = "%02d%02d%s%03d" % (d.day, d.month, _yy(d), n)
        c = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(base) % 31]
        v = base[:6] + sign + base[6:] + c
        return v, v


def nid_gb_nino():
    bad1, bad2 = set("DFIQUV"), set("DFIOQUV")
    while True:
        a, b = R.choice(string.ascii_uppercase), R.choice(string.ascii_uppercase)
        if a in bad1 or b in bad2 or a + b in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            continue
        n = digits(6)
        v = a + b + n + pick("ABCD")
        return v, pick([v, v, "%s %s %s %s %s" % (a + b, n[:2], n[2:4], n[4:], v[-1]), v.lower(), a + b + " " + n + " " + v[-1]])


def nid_pt_nif():
    while True:
        b = pick("123") + digits(7)
        s = sum(int(x) * w for x, w in zip(b, range(9, 1, -1)))
        c = 11 - s % 11
        c = 0 if c >= 10 else c
        v = b + str(c)
        return v, pick([v, v, "%s %s %s" % (v[:3], v[3:6], v[6:])])


def nid_ie_pps():
    b = digits(7)
    s = sum(int(x) * w for x, w in zip(b, range(8, 1, -1)))
    second = pick(["", "", "A", "W"])
    if second == "A":
        s += 9 * 1
    r = s % 23
    v = b + ("W" if r == 0 else chr(64 + r)) + second
    return v, v


def nid_hr_oib():
    b = digits(10, "123456789")
    v = b + mod11_10(b)
    return v, v


def nid_ee_ik():
    while True:
        d = rand_date(1940, 2006)
        g = pick("34") if d.year < 2000 else pick("56")
        b = "%s%s%02d%02d%03d" % (g, _yy(d), d.month, d.day, R.randint(1, 999))
        w1, w2 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1], [3, 4, 5, 6, 7, 8, 9, 1, 2, 3]
        c = sum(int(x) * y for x, y in zip(b, w1)) % 11
        if c == 10:
            c = sum(int(x) * y for x, y in zip(b, w2)) % 11
            if c == 10:
                c = 0
        return b + str(c), b + str(c)


def nid_gr_amka():
    d = rand_date()
    b = "%02d%02d%s%04d" % (d.day, d.month, _yy(d), R.randint(0, 9999))
    v = b + luhn_digit(b)
    return v, v


def nid_si_emso():
    while True:
        d = rand_date(1940, 2006)
        b = "%02d%02d%03d%s%03d" % (d.day, d.month, d.year % 1000, pick(["50", "10", "19"]), R.randint(0, 999))
        w = [7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        c = 11 - sum(int(x) * y for x, y in zip(b, w)) % 11
        if c == 10:
            continue
        c = 0 if c == 11 else c
        return b + str(c), b + str(c)


def nid_cz_rc():
    while True:
        d = rand_date(1954, 2006)
        m = d.month + (50 if R.random() < 0.5 else 0)
        b = "%s%02d%02d%03d" % (_yy(d), m, d.day, R.randint(0, 999))
        c = int(b) % 11
        if c == 10:
            continue
        v = b + str(c)
        return v, v[:6] + "/" + v[6:]


def nid_bg_egn():
    d = rand_date(1940, 2006)
    m = d.month + (40 if d.year >= 2000 else 0)
    b = "%s%02d%02d%03d" % (_yy(d), m, d.day, R.randint(0, 999))
    w = [2, 4, 8, 5, 10, 9, 7, 3, 6]
    c = sum(int(x) * y for x, y in zip(b, w)) % 11
    v = b + str(0 if c == 10 else c)
    return v, v


# context phrases per subtype (several spellings, some typed the way people type them)
NID = {
    "DE_TAX_ID": (nid_de_tax, ["Steuer-ID", "Steuer-IdNr.", "steuerliche Identifikationsnummer", "Steueridentifikationsnummer", "IdNr", "Steuer ID"]),
    "AT_SVNR": (nid_at_svnr, ["SV-Nummer", "Sozialversicherungsnummer", "SVNR", "Versicherungsnummer", "e-card Nummer"]),
    "FR_NIR": (nid_fr_nir, ["numéro de sécu", "n° de sécurité sociale", "NIR", "numéro INSEE", "numéro de sécurité sociale", "carte Vitale n°"]),
    "BE_NN": (nid_be_nn, ["numéro national", "rijksregisternummer", "NISS", "numéro de registre national", "INSZ", "national register number"]),
    "IT_FISCAL_CODE": (nid_it_cf, ["codice fiscale", "CF", "C.F.", "cod. fiscale", "codice fiscale n."]),
    "ES_DNI": (nid_es_dni, ["DNI", "D.N.I.", "NIF", "número de DNI", "dni"]),
    "ES_NIE": (nid_es_nie, ["NIE", "N.I.E.", "número de NIE", "tarjeta de residencia"]),
    "NL_BSN": (nid_nl_bsn, ["BSN", "burgerservicenummer", "BSN-nummer", "bsn"]),
    "PL_PESEL": (nid_pl_pesel, ["PESEL", "nr PESEL", "numer PESEL", "pesel"]),
    "RO_CNP": (nid_ro_cnp, ["CNP", "C.N.P.", "codul numeric personal", "cnp"]),
    "SE_PERSONNUMMER": (nid_se_pnr, ["personnummer", "Swedish personal number", "personnr"]),
    "DK_CPR": (nid_dk_cpr, ["CPR", "CPR-nr.", "CPR number"]),
    "FI_HETU": (nid_fi_hetu, ["henkilötunnus", "HETU", "Finnish personal identity code"]),
    "GB_NINO": (nid_gb_nino, ["NI number", "National Insurance number", "NINO", "national insurance no"]),
    "PT_NIF": (nid_pt_nif, ["NIF", "número de contribuinte", "Portuguese tax number (NIF)"]),
    "IE_PPS": (nid_ie_pps, ["PPS number", "PPSN", "PPS no."]),
    "HR_OIB": (nid_hr_oib, ["OIB", "Croatian OIB"]),
    "EE_ISIKUKOOD": (nid_ee_ik, ["isikukood", "Estonian isikukood"]),
    "GR_AMKA": (nid_gr_amka, ["AMKA", "Greek AMKA"]),
    "SI_EMSO": (nid_si_emso, ["EMŠO", "EMSO"]),
    "CZ_SK_BIRTH_NUMBER": (nid_cz_rc, ["rodné číslo", "birth number (rodné číslo)"]),
    "BG_EGN": (nid_bg_egn, ["EGN", "ЕГН"]),
}

NID_BY_LANG = {
    "en": ["GB_NINO"] * 3 + ["SE_PERSONNUMMER", "DK_CPR", "FI_HETU", "BE_NN", "PT_NIF", "IE_PPS", "IE_PPS", "HR_OIB",
                             "EE_ISIKUKOOD", "GR_AMKA", "SI_EMSO", "CZ_SK_BIRTH_NUMBER", "BG_EGN"],
    "de": ["DE_TAX_ID", "DE_TAX_ID", "AT_SVNR"],
    "fr": ["FR_NIR", "FR_NIR", "BE_NN"],
    "it": ["IT_FISCAL_CODE"],
    "es": ["ES_DNI", "ES_DNI", "ES_NIE"],
    "nl": ["NL_BSN", "NL_BSN", "BE_NN"],
    "pl": ["PL_PESEL"],
    "ro": ["RO_CNP"],
}


# ---------------------------------------------------------------------------------------------
# VAT ids


def vat(lang):
    c = {"en": pick(["GB", "IE", "PT"]), "de": pick(["DE", "AT"]), "fr": pick(["FR", "BE"]), "it": "IT", "es": "ES",
         "nl": pick(["NL", "BE"]), "pl": "PL", "ro": "RO"}[lang]
    if c == "DE":
        b = digits(8, "123456789")
        v = "DE" + b + mod11_10(b)
        return pick([v, "DE " + v[2:], "DE " + group(v[2:], [3, 3, 3])])
    if c == "AT":
        while True:
            b = digits(7)
            s = 0
            for i, ch in enumerate(b):
                n = int(ch)
                if i % 2 == 1:
                    n = n * 2
                    n = n // 10 + n % 10
                s += n
            cd = (10 - (s + 4) % 10) % 10
            return "ATU" + b + str(cd)
    if c == "FR":
        siren = digits(8, "3456789")
        siren += luhn_digit(siren)
        key = (12 + 3 * (int(siren) % 97)) % 97
        v = "FR%02d%s" % (key, siren)
        return pick([v, "FR %02d %s" % (key, group(siren, [3, 3, 3]))])
    if c == "BE":
        b = "0" + digits(7, "123456789")
        v = "BE" + b + "%02d" % (97 - int(b) % 97)
        return pick([v, "BE %s.%s.%s" % (v[2:6], v[6:9], v[9:])])
    if c == "IT":
        b = digits(7) + "%03d" % R.randint(1, 100)
        v = "IT" + b + luhn_digit(b)
        return pick([v, "IT " + v[2:]])
    if c == "ES":
        while True:
            b = pick("ABEH") + digits(7)
            s = 0
            for i, ch in enumerate(b[1:]):
                n = int(ch)
                if i % 2 == 0:
                    n = n * 2
                    n = n // 10 + n % 10
                s += n
            cd = (10 - s % 10) % 10
            return "ES" + b + str(cd)
    if c == "NL":
        while True:
            d8 = digits(8, "123456789")
            cd = sum(int(x) * w for x, w in zip(d8, range(9, 1, -1))) % 11
            if cd == 10:
                continue
            return "NL" + d8 + str(cd) + "B0" + pick("12")
    if c == "PL":
        while True:
            b = digits(9, "123456789")
            cd = sum(int(x) * w for x, w in zip(b, [6, 5, 7, 2, 3, 4, 5, 6, 7])) % 11
            if cd == 10:
                continue
            v = "PL" + b + str(cd)
            return pick([v, "PL " + v[2:], "PL" + group(v[2:], [3, 3, 2, 2], "-")])
    if c == "RO":
        b = digits(pick([7, 8]), "123456789")
        w = [7, 5, 3, 2, 1, 7, 5, 3, 2][-len(b):]
        cd = sum(int(x) * y for x, y in zip(b, w)) * 10 % 11 % 10
        return pick(["RO", "RO ", "RO"]) + b + str(cd)
    if c == "PT":
        v, _ = nid_pt_nif()
        return "PT" + v
    if c == "IE":
        b = digits(7)
        s = sum(int(x) * w for x, w in zip(b, range(8, 1, -1)))
        r = s % 23
        return "IE" + b + ("W" if r == 0 else chr(64 + r))
    if c == "GB":
        while True:
            b = digits(7, "123456789")
            s = sum(int(x) * w for x, w in zip(b, range(8, 1, -1)))
            for cd in range(100):
                if (s + cd) % 97 == 0 or (s + cd + 55) % 97 == 0:
                    return pick(["GB", "GB "]) + b + "%02d" % cd
    raise ValueError(c)


# ---------------------------------------------------------------------------------------------
# passports (always next to a context word)


def passport(lang):
    L = string.ascii_uppercase
    if lang == "en":
        return digits(9, "123456789")
    if lang == "de":
        return pick("CFGHJK") + "".join(R.choice("CFGHJKLMNPRTVWXYZ0123456789") for _ in range(8))
    if lang == "fr":
        return digits(2) + R.choice(L) + R.choice(L) + digits(5)
    if lang in ("it", "pl"):
        return R.choice(L) + R.choice(L) + digits(7)
    if lang == "es":
        return R.choice(L) + R.choice(L) + R.choice(L) + digits(6)
    if lang == "nl":
        return R.choice("NB") + R.choice(L) + "".join(R.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(6)) + digits(1)
    return digits(8, "0123456789")


# ---------------------------------------------------------------------------------------------
# dates of birth


MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
    "pl": ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"],
    "ro": ["ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie", "octombrie", "noiembrie", "decembrie"],
}


def _ord_en(n):
    if 10 <= n % 100 <= 20:
        return "%dth" % n
    return "%d%s" % (n, {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th"))


def dob_date(lang):
    d = rand_date()
    m = MONTHS[lang][d.month - 1]
    num = [
        "%02d.%02d.%d" % (d.day, d.month, d.year), "%d.%d.%d" % (d.day, d.month, d.year),
        "%02d/%02d/%d" % (d.day, d.month, d.year), "%d-%02d-%02d" % (d.year, d.month, d.day),
        "%d/%02d/%02d" % (d.year, d.month, d.day), "%02d-%02d-%d" % (d.day, d.month, d.year),
    ]
    if lang == "en":
        long = ["%s of %s %d" % (_ord_en(d.day), m, d.year), "%s %d, %d" % (m, d.day, d.year), "%d %s %d" % (d.day, m, d.year),
                "%s %s %d" % (_ord_en(d.day), m, d.year), "%d %s %d" % (d.day, m[:3], d.year), "%s %s, %d" % (m, _ord_en(d.day), d.year),
                "%02d-%s-%d" % (d.day, m[:3], d.year)]
    elif lang == "de":
        long = ["%d. %s %d" % (d.day, m, d.year), "%02d. %s %d" % (d.day, m, d.year), "%d.%s %d" % (d.day, m, d.year), "%d %s %d" % (d.day, m, d.year)]
    elif lang == "fr":
        long = ["%s %s %d" % ("1er" if d.day == 1 else str(d.day), m, d.year), "%d %s %d" % (d.day, m, d.year)]
    elif lang == "it":
        long = ["%s %s %d" % ("1º" if d.day == 1 else str(d.day), m, d.year), "%d %s %d" % (d.day, m, d.year), "%d %s %d" % (d.day, m.capitalize(), d.year)]
    elif lang == "es":
        long = ["%d de %s de %d" % (d.day, m, d.year), "%d de %s del %d" % (d.day, m, d.year), "%d %s %d" % (d.day, m, d.year)]
    elif lang == "nl":
        abbr = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"][d.month - 1]
        long = ["%d %s %d" % (d.day, m, d.year), "%d-%s-%d" % (d.day, abbr, d.year)]
    elif lang == "pl":
        long = ["%d %s %d" % (d.day, m, d.year), "%d %s %d r." % (d.day, m, d.year), "%02d.%02d.%d r." % (d.day, d.month, d.year)]
    else:
        long = ["%d %s %d" % (d.day, m, d.year), "%d %s %d" % (d.day, m.capitalize(), d.year)]
    return pick(num + long + long)


DOB_CTX = {
    "en": ["born on", "born", "DOB:", "D.O.B.", "date of birth:", "my date of birth is", "birthday:", "I was born on", "born in London on", "birth date", "dob", "Date of Birth -"],
    "de": ["geboren am", "geb.", "Geburtsdatum:", "Geb.-Datum", "geb. am", "mein Geburtsdatum ist der", "Geburtstag:", "geboren"],
    "fr": ["né le", "née le", "date de naissance :", "Date de naissance", "je suis né le", "je suis née le", "né(e) le"],
    "it": ["nato il", "nata il", "data di nascita:", "sono nato il", "sono nata il", "nato a Bari il", "data di nascita"],
    "es": ["nacido el", "nacida el", "fecha de nacimiento:", "F. nacimiento:", "nací el", "fecha de nac.", "nacida en Sevilla el"],
    "nl": ["geboren op", "geboortedatum:", "Geboortedatum", "ik ben geboren op", "geb."],
    "pl": ["ur.", "urodzony", "urodzona", "data urodzenia:", "urodziłem się", "urodziłam się", "urodzona dnia", "data ur."],
    "ro": ["născut pe", "născută pe", "data nașterii:", "data nasterii", "născut la", "nascuta pe", "născută în Iași pe"],
}


# ---------------------------------------------------------------------------------------------
# names: rare given names and surnames, filtered against the gazetteer


GIVEN = {
    "en": "Thaddeus Ossian Lorcan Peregrine Araminta Crispin Jago Morwenna Zebedee Elspeth Fenella Torquil Isolde Ottoline Lysander Clemency Ptolemy Hamish Wilfred Ignatius Philippa Rowena Cosmo Euphemia",
    "de": "Wendelin Adalbert Hildegunde Ottilie Gerlinde Burkhard Rüdiger Walburga Eckhard Irmtraud Leberecht Sieglinde Notker Gottlieb Hannelore Volkmar Edeltraud Giselher Roswitha Eberhard",
    "fr": "Amaury Enguerrand Bérénice Gonzague Ysaline Aurèle Clotilde Ghislain Maëlys Philomène Anatole Isaure Séraphin Ombeline Aldric Bertille Eudes Sixtine Tanguy Albéric",
    "it": "Ermenegildo Gianfilippo Ottavio Filiberto Gualtiero Ippolita Bonifacio Tommasina Cosimo Brunilde Ruggero Ludovico Ersilia Romualdo Gelsomina Uberto Clelia Pasquale Zeno Teodolinda",
    "es": "Eulalia Evaristo Casimiro Leocadia Bernardino Itziar Fulgencio Abundio Rigoberto Maite Xabier Olegario Remigio Covadonga Baltasar Ximena Anacleto Begoña Onésimo Jacinta",
    "nl": "Gerolf Wibo Fokje Hiske Tjeerd Sjoukje Auke Geertruida Reinout Doutzen Ynte Berber Wobbe Aaltje Evert Rinske Jurriaan Tjitske Folkert Minke",
    "pl": "Bożydar Wszebor Radomiła Jaromir Bogumiła Dobrosław Świętosław Zdzisława Ludmiła Teofil Eustachy Bolesław Wiesława Czcibor Sobiesław Gościwit Jadwiga Mieczysław Leokadia Władysława",
    "ro": "Voichița Tudorița Haralambie Sever Aurelian Zamfira Costache Paraschiva Ilinca Filofteia Pantelimon Anastasie Safta Vasilica Ostap Domnica Chiriac Lucreția Toma Smaranda",
}

SURNAMES = {
    "en": "Wetherell Pengelly Trevithick Blenkinsop Haverstock Quennell Ashdown Fairweather Clutterbuck Ramsbottom Tregaskis Penhaligon Oakeshott Winterbottom Aldous-Hart Smythe-Vane Cholmondeley Ffoulkes Garside Uttley",
    "de": "Zwiebelhofer Grünspan Eichenlaub Brackmann Kesselring Rothenbühler Wackernagel Hirschvogel Pfannenstiel Ziegenhals Überreiter Dörrbecker Fleischhauer-Lenz Kleinschmidt-Oe Auerswald Mühlenkamp Trautwein Lindemeyer Quast Stubenrauch",
    "fr": "Quéméneur Trébuchet Delacourt-Vasseur Pichegru Bouvreuil Vautrin Chassagne Tourneboeuf Malherbe Kerguelen Lefébure Desrosiers Ponsardin Charbonnel Vaillancourt Beauchêne Roquelaure Jauffret Mazurier Gastinel",
    "it": "Sciacchitano Bevilacqua Quagliarella Squarcialupi Mastrangelo Tagliaferri Spadafora Capobianco Malatesta Scarpellini Zanardelli Pellegatta Scognamiglio Bertoldi Incandela Frascarelli Giacomazzi Lombardozzi Impellizzeri Tortorici",
    "es": "Echeverría Urquijo Zubizarreta Villaescusa Baquedano Covarrubias Arrizabalaga Peñalosa Quirós Sotomayor Goikoetxea Aldecoa Villalonga Cifuentes Barrionuevo Olavarrieta Manzanedo Echegaray Larrañaga Valcárcel",
    "nl": "Oudshoorn Brinkhorst Zwanenburg Hoogeveen Wijnbergen Stoutjesdijk Tjalsma Hettinga Wolff Vlugt Sikkema Boersma-Dijk Kloosterboer Rozendaal Terpstra Haverkamp Nijenhuis Veldkamp Dijkstra-Holm Zwagerman",
    "pl": "Grzębielucha Szczęsnowicz Brzęczyszczykiewicz Chrząszczewska Ździebło Przybyłowicz Żmigrodzka Bednarczuk Kołakowska Śliwińska Pstrągowski Wierzbięta Mazurkiewicz-Kos Gąsiorowski Jędrzejczyk Ostrowidzki Kaźmierczak Pawlikowska Czerwiński Rogalska",
    "ro": "Vlădescu Brâncoveanu Zăvoianu Ciobotaru Hârțescu Păunescu Negruzzi Scărlătescu Bălănoiu Țurcanu Dobrescu Ghiculescu Mârzescu Cantacuzino Năstase Vrânceanu Hociotă Sârbu Tănăsoiu Zamfirescu",
}

PARTICLES = {"nl": ["van", "van der", "de", "ter", "van den"], "de": ["von", "von der"], "fr": ["de", "du"], "it": ["di", "De"], "es": ["de", "del"]}


def _load_gazetteer():
    here = os.path.dirname(os.path.abspath(__file__))
    words = set()
    for f in ("given.txt", "surnames.txt"):
        p = os.path.join(here, "..", "..", "names", f)
        try:
            with open(p, encoding="utf-8") as fh:
                for line in fh:
                    if not line.startswith("#"):
                        words.update(w.lower() for w in line.split())
        except FileNotFoundError:
            pass
    return words


GAZ = _load_gazetteer()


def _not_in_gaz(names):
    out = []
    for n in names.split():
        if all(part.lower() not in GAZ for part in n.replace("-", " ").split()):
            out.append(n)
    return out


GIVEN = {k: _not_in_gaz(v) for k, v in GIVEN.items()}
SURNAMES = {k: _not_in_gaz(v) for k, v in SURNAMES.items()}


def person(lang):
    """Returns (full name, given, surname)."""
    g = pick(GIVEN[lang])
    s = pick(SURNAMES[lang])
    if lang == "es" and R.random() < 0.4:
        s = s + " " + pick(SURNAMES[lang])
    if lang == "nl" and s[0].isupper() and s in ("Oudshoorn", "Wolff", "Vlugt", "Hoogeveen", "Zwanenburg"):
        s = pick(PARTICLES["nl"]) + " " + s
    if lang in ("de", "fr") and R.random() < 0.1:
        s = pick(PARTICLES[lang]) + " " + s
    if R.random() < 0.12:
        g = g + pick([" ", "-"]) + pick(GIVEN[lang])
    return g + " " + s, g, s


# ---------------------------------------------------------------------------------------------
# addresses


def address(lang):
    n = str(R.randint(1, 180))
    if R.random() < 0.15:
        n += pick(["a", "b", "A", "B"])
    if lang == "en":
        street = pick(["Larkspur Close", "Mill Lane", "Queen's Road", "Station Road", "Fernhill Crescent", "Cobden Terrace",
                       "Wharfedale Avenue", "Hollybush Drive", "Tanners Walk", "Elmtree Grove", "Carlisle Street", "Abbey Mews"])
        town = pick([("Reading", "RG1 4PT"), ("Leeds", "LS6 2AB"), ("Bristol", "BS8 1TH"), ("London", "SW1A 2AA"),
                     ("Norwich", "NR2 3DE"), ("York", "YO1 7HH"), ("Bath", "BA1 2QZ"), ("Leicester", "LE1 6RP")])
        f = R.random()
        if f < 0.25:
            return "%s %s, %s %s" % (n, street, town[0], town[1])
        if f < 0.45:
            return "Flat %d, %s %s, %s %s" % (R.randint(1, 12), n, street, town[0], town[1])
        if f < 0.6:
            return "%s %s, %s, %s" % (n, street, town[0], town[1])
        if f < 0.7:
            return "Apartment %d, %s %s" % (R.randint(1, 40), n, street)
        return "%s %s" % (n, street)
    if lang == "de":
        street = pick(["Lindenallee", "Hauptstraße", "Am Kirchberg", "Friedrich-Ebert-Str.", "Rosenweg", "Bahnhofstr.",
                       "Mühlgasse", "Schillerplatz", "Auf der Heide", "Goethestraße", "Eichendorffring", "Talstraße", "Brunnenweg"])
        town = pick([("10115", "Berlin"), ("79100", "Freiburg im Breisgau"), ("50667", "Köln"), ("01067", "Dresden"),
                     ("1010", "Wien"), ("8010", "Graz"), ("80331", "München"), ("20095", "Hamburg"), ("6020", "Innsbruck")])
        f = R.random()
        if f < 0.3:
            return "%s %s, %s %s" % (street, n, town[0], town[1])
        if f < 0.45:
            return "%s %s, %s %s" % (town[0], town[1], street, n)  # a known gap: town first
        if f < 0.55:
            return "%s %s/%d" % (street, n, R.randint(1, 20)) if town[0].__len__() == 4 else "%s %s" % (street, n)
        if f < 0.65:
            return "%s %s\n%s %s" % (street, n, town[0], town[1])
        return "%s %s" % (street, n)
    if lang == "fr":
        street = pick(["rue des Lilas", "avenue Jean Jaurès", "allée des Cerisiers", "boulevard Voltaire", "impasse du Moulin",
                       "chemin de la Source", "place du Marché", "rue Saint-Éloi", "quai de la Fosse", "rue de la Paix"])
        town = pick([("75011", "Paris"), ("69003", "Lyon"), ("44000", "Nantes"), ("13006", "Marseille"), ("1000", "Bruxelles"),
                     ("31000", "Toulouse"), ("35000", "Rennes"), ("4000", "Liège")])
        f = R.random()
        nn = n + pick(["", "", "", " bis", " ter"])
        if f < 0.3:
            return "%s %s, %s %s" % (nn, street, town[0], town[1])
        if f < 0.45:
            return "%s, %s %s %s" % (nn, street, town[0], town[1].upper())
        if f < 0.55:
            return "Bât. B, %s %s, %s %s" % (n, street, town[0], town[1])
        return "%s %s" % (nn, street)
    if lang == "it":
        street = pick(["Via Giuseppe Garibaldi", "Corso Vittorio Emanuele II", "Piazza dei Martiri", "Viale Trastevere",
                       "Via della Spiga", "Vicolo del Pozzo", "Largo Augusto", "Via San Francesco d'Assisi", "Via Roma", "P.zza Navona"])
        town = pick([("20121", "Milano"), ("00153", "Roma"), ("80121", "Napoli"), ("40126", "Bologna"), ("10123", "Torino"),
                     ("50122", "Firenze"), ("90133", "Palermo")])
        f = R.random()
        if f < 0.3:
            return "%s %s, %s %s" % (street, n, town[0], town[1])
        if f < 0.5:
            return "%s, %s - %s %s" % (street, n, town[0], town[1])
        if f < 0.6:
            return "%s %s, %s %s (%s)" % (street, n, town[0], town[1], pick(["MI", "RM", "NA", "BO", "TO"]))
        if f < 0.7:
            return "%s n. %s" % (street, n)
        return "%s, %s" % (street, n)
    if lang == "es":
        street = pick(["Calle de Alcalá", "C/ Mayor", "Avda. de la Constitución", "Calle Sierpes", "Paseo de Gracia",
                       "Plaza del Pilar", "Calle Real", "Ronda de Segovia", "Camino de las Huertas", "Avenida de América"])
        town = pick([("28014", "Madrid"), ("08007", "Barcelona"), ("41004", "Sevilla"), ("46002", "Valencia"), ("50003", "Zaragoza"),
                     ("48001", "Bilbao"), ("29015", "Málaga")])
        f = R.random()
        fl = pick(["3º B", "2º izq.", "1º dcha.", "4ºA", "bajo"])
        if f < 0.3:
            return "%s %s, %s, %s %s" % (street, n, fl, town[0], town[1])
        if f < 0.5:
            return "%s, %s, %s %s" % (street, n, town[0], town[1])
        if f < 0.65:
            return "%s nº %s, %s" % (street, n, fl)
        return "%s, %s" % (street, n)
    if lang == "nl":
        street = pick(["Kerkstraat", "Prinsengracht", "Dorpsweg", "Molenlaan", "Beukenlaan", "Oudegracht", "Markt",
                       "Van Goghstraat", "Nieuwe Binnenweg", "Lange Voorhout", "Zuiderdiep", "Stationsplein"])
        town = pick([("1016 GV", "Amsterdam"), ("3511 AB", "Utrecht"), ("2514 JL", "Den Haag"), ("9711 LM", "Groningen"),
                     ("3015 BA", "Rotterdam"), ("5611 EM", "Eindhoven"), ("2000", "Antwerpen")])
        f = R.random()
        nn = pick([n, n, "%s-%d" % (n, R.randint(1, 4)), n + " hs", n + "-II", n + " bis"])
        if f < 0.35:
            return "%s %s, %s %s" % (street, nn, town[0], town[1])
        if f < 0.5:
            return "%s %s\n%s %s" % (street, nn, town[0], town[1])
        if f < 0.6:
            return "%s %s %s %s" % (street, nn, town[0], town[1].upper())
        return "%s %s" % (street, nn)
    if lang == "pl":
        street = pick(["ul. Marszałkowska", "al. Jerozolimskie", "ul. Długa", "os. Słoneczne", "ul. Piotrkowska", "pl. Grunwaldzki",
                       "ul. Świętokrzyska", "ul. Kościuszki", "ul. Wita Stwosza", "al. Niepodległości"])
        town = pick([("00-590", "Warszawa"), ("80-831", "Gdańsk"), ("90-001", "Łódź"), ("31-042", "Kraków"), ("50-370", "Wrocław"),
                     ("60-101", "Poznań")])
        f = R.random()
        nn = pick([n, "%s/%d" % (n, R.randint(1, 80)), "%s m. %d" % (n, R.randint(1, 60)), n + " lok. " + str(R.randint(1, 30))])
        if f < 0.4:
            return "%s %s, %s %s" % (street, nn, town[0], town[1])
        if f < 0.5:
            return "%s %s\n%s %s" % (street, nn, town[0], town[1])
        return "%s %s" % (street, nn)
    street = pick(["Str. Mihai Eminescu", "Bd. Unirii", "Calea Victoriei", "Strada Lalelelor", "Aleea Trandafirilor",
                   "Bulevardul Decebal", "Str. Avram Iancu", "Șoseaua Pantelimon", "Piața Unirii", "Intrarea Morilor"])
    town = pick(["Cluj-Napoca", "București", "Iași", "Timișoara", "Brașov", "Constanța"])
    f = R.random()
    if f < 0.3:
        return "%s nr. %s, bl. %s%d, sc. %d, ap. %d, %s" % (street, n, pick("ABCDM"), R.randint(1, 9), R.randint(1, 4), R.randint(1, 80), town)
    if f < 0.5:
        return "%s nr. %s, sector %d, %s" % (street, n, R.randint(1, 6), "București")
    if f < 0.6:
        return "%s %s, %s %s" % (street, n, "%06d" % R.randint(10000, 999999), town)
    if f < 0.8:
        return "%s nr. %s" % (street, n)
    return "%s %s" % (street, n)


# ---------------------------------------------------------------------------------------------
# filler that looks like PII but is not (checked below against the validators)


CITIES = {
    "en": ["Manchester", "Cardiff", "Brighton", "Glasgow", "Oxford"], "de": ["Frankfurt", "Leipzig", "Stuttgart", "Bremen", "Salzburg"],
    "fr": ["Bordeaux", "Lille", "Grenoble", "Namur", "Strasbourg"], "it": ["Verona", "Bergamo", "Genova", "Padova", "Bari"],
    "es": ["Granada", "Valladolid", "Cádiz", "Oviedo", "Alicante"], "nl": ["Zwolle", "Leiden", "Haarlem", "Gent", "Delft"],
    "pl": ["Lublin", "Toruń", "Szczecin", "Rzeszów", "Opole"], "ro": ["Sibiu", "Oradea", "Craiova", "Suceava", "Arad"],
}


def _digits_free(s):
    """True when no digit run of s (separators removed) passes a validator by chance."""
    ds = "".join(c for c in s if c.isdigit())
    if 12 <= len(ds) <= 19 and luhn_ok(ds):
        return False
    for run in "".join(c if c.isdigit() else " " for c in s).split():
        if 12 <= len(run) <= 19 and luhn_ok(run):
            return False
        if len(run) == 11 and (run[-1] == mod11_10(run[:-1])):
            return False
    compact = "".join(c for c in s.upper() if c.isalnum())
    for i in range(len(compact) - 4):
        if compact[i:i + 2].isalpha() and compact[i + 2:i + 4].isdigit():
            for n in range(15, min(34, len(compact) - i) + 1):
                if compact[i:i + n].isascii() and iban_ok(compact[i:i + n]):
                    return False  # an IBAN-shaped run with a valid mod-97 check
    return True


def filler(kind, lang):
    for _ in range(100):
        v = _filler(kind, lang)
        if _digits_free(v):
            return v
    raise RuntimeError(kind)


def _filler(kind, lang):
    L = string.ascii_uppercase
    if kind == "ORD":
        return pick(["%s-%s" % (pick(["A", "WEB", "SO", "BN"]), digits(pick([6, 7]))), digits(5, "123456789"),
                     "%d-%s" % (R.randint(2023, 2025), digits(5)), "#" + digits(6, "123456789"), digits(3) + "/" + digits(4)])
    if kind == "FLT":
        return pick(["LH", "AF", "KL", "AZ", "IB", "LO", "RO", "BA", "FR", "U2", "W6", "VY"]) + pick(["", " "]) + str(R.randint(10, 9899))
    if kind == "BK":
        return "".join(R.choice(L + "23456789") for _ in range(5))
    if kind == "PRICE":
        if lang == "en":
            return pick(["£%d.%02d" % (R.randint(3, 999), R.randint(0, 99)), "£%d" % R.randint(5, 2500)])
        if lang == "pl":
            return "%d,%02d zł" % (R.randint(3, 4999), R.randint(0, 99))
        if lang == "ro":
            return "%d,%02d lei" % (R.randint(3, 4999), R.randint(0, 99))
        return pick(["%d,%02d €" % (R.randint(3, 999), R.randint(0, 99)), "€ %d,-" % R.randint(5, 900), "1.%03d,00 EUR" % R.randint(0, 999)])
    if kind == "DT":
        d = rand_date(2024, 2026)
        return pick(["%02d.%02d.%d" % (d.day, d.month, d.year), "%d %s" % (d.day, MONTHS[lang][d.month - 1]),
                     "%d/%02d" % (d.day, d.month), "%d-%02d-%02d" % (d.year, d.month, d.day)])
    if kind == "TM":
        h, m = R.randint(7, 20), pick([0, 15, 30, 45, 5, 50])
        return pick(["%d:%02d" % (h, m), "%dh%02d" % (h, m), "%d.%02d" % (h, m)])
    if kind == "CITY":
        return pick(CITIES[lang])
    if kind == "SKU":
        return pick(["%s-%s-%s" % ("".join(R.choice(L) for _ in range(2)), digits(4), R.choice(L)),
                     "%s%s" % ("".join(R.choice(L) for _ in range(3)), digits(5)), "art. " + digits(6, "123456789")])
    if kind == "TRK":
        return pick(["JVGL" + digits(16), "00" + digits(16), "1Z" + "".join(R.choice(L + string.digits) for _ in range(16)),
                     "CD" + digits(9) + "FR"])
    if kind == "N":
        return str(R.randint(2, 12))
    if kind == "ROOM":
        return pick(["B%d" % R.randint(1, 40), "%d%s" % (R.randint(1, 40), R.choice("ABCDEF")), str(R.randint(100, 499))])
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------
# message templates: {X} slots. PII: P person, p person in lower case, E e-mail, T phone, I IBAN,
# C card, IP address, N national id with its context word, n national id alone, V VAT id,
# D birth date with its context, d birth date alone, A address, PP passport number.
# Filler: ORD FLT BK PRICE DT TM CITY SKU TRK N ROOM.

POS = {
    "en": [
        "For the tax form: {N} and {D}",
        "here you go -> {N}",
        "Details as requested ({N}), thanks",
        "hi, {P} here - can you update my mobile to {T}?",
        "Could you send the confirmation to {E} (not my work address)?",
        "name: {P}\nemail: {E}\nmob: {T}",
        "refund pls to {I} thx",
        "my card {C} got charged twice for order {ORD} ??",
        "I'm {P}, {D}, and I need a copy of my contract",
        "The login attempts came from {IP} last night, not me!",
        "Shipping address: {A}. Recipient {P}.",
        "{N} - that's my number, please add it to the payroll form",
        "Please ring me on {T} after {TM}",
        "My wife {P} will pick it up, her number is {T}",
        "{E} is my new email, old one doesn't work anymore",
        "can I pay with {C} or only by transfer to {I}?",
        "Cheers,\n{P}",
        "We moved! New address is {A}",
        "{D} - is that enough for the age check?",
        "Hello, this is {P} from {CITY}. Passport no. {PP}, expires next year.",
        "Why was my IP ({IP}) blocked? I was only browsing.",
        "Account holder: {P}, IBAN {I}",
        "pls call {T} or mail {E} 🙏",
        "Kind regards\n{P}\n{T}",
        "Our VAT number is {V}, please put it on the invoice.",
        "my name is {p}, {N}",
        "Billing address \"{A}\", card ending in {C}",
        "The router at {IP} keeps dropping, can you check from your side",
        "on behalf of my father {P}, {D}, we would like to close his account",
        "{P} {D} {A}",
        "Hey! Text me at {T} 😊",
        "Is {E} the right contact for {P}'s application?",
        "Deliver to {P} at {A} please, leave with neighbour if out",
    ],
    "de": [
        "Für das Formular: {N}, {D}",
        "anbei {N}",
        "Daten wie gewünscht ({N})",
        "Hallo, hier ist {P}. Meine neue Handynummer: {T}",
        "bitte an {E} schicken, danke!",
        "Name: {P}\nGeburtsdatum: {d}\nAnschrift: {A}",
        "Überweisung bitte auf {I} (Kontoinhaber {P})",
        "Meine Kreditkarte {C} wurde für Bestellung {ORD} doppelt belastet",
        "{N}, brauchen Sie sonst noch was?",
        "Wir sind umgezogen – neue Adresse: {A}",
        "Rückruf unter {T} ab {TM} Uhr möglich",
        "Mein Mann {P} holt das Paket ab",
        "Zugriff von {IP} war nicht ich!!",
        "Ich bin {D} und möchte den Seniorentarif",
        "Mit freundlichen Grüßen\n{P}",
        "Tel. {T}, E-Mail {E}",
        "die Rechnung bitte mit USt-IdNr. {V} ausstellen",
        "Könnt ihr die IBAN {I} hinterlegen? Die alte Bank gibt es nicht mehr",
        "Reisepass-Nr. {PP}, gültig bis {DT}",
        "Lieferadresse {A}, bitte klingeln bei {P}",
        "hab die neue Nummer {T} – alte bitte löschen",
        "Grüße aus {CITY}\n{P}",
        "Zahlung mit Karte {C} ist fehlgeschlagen, warum?",
        "Kontakt: {P}, {E}",
        "mein name ist {p} und {D}",
        "Die Fritzbox hat die IP {IP}, ist das normal?",
        "Frau {P} ist ab Montag zuständig, erreichbar unter {T}",
        "{N}\n{A}",
        "Meine Tochter {P} ({D}) braucht auch ein Konto",
        "E-Mail geändert: {E} 👍",
        "Könnten Sie meine Anschrift auf {A} ändern?",
    ],
    "fr": [
        "Pour le dossier : {N}, {D}",
        "voici : {N}",
        "Infos demandées ({N}), merci",
        "Bonjour, c'est {P}, mon nouveau numéro : {T}",
        "merci d'écrire à {E} plutôt",
        "Nom : {P}\nNé le : {d}\nAdresse : {A}",
        "Remboursement sur le compte {I} svp",
        "ma carte {C} a été débitée deux fois (commande {ORD})",
        "Mon {N}, il vous faut autre chose ?",
        "Nouvelle adresse : {A}",
        "Rappelez-moi au {T} après {TM}",
        "Ma femme {P} viendra récupérer le colis",
        "Connexion depuis {IP} ?? ce n'était pas moi",
        "Je suis {D}, j'ai droit au tarif senior ?",
        "Cordialement,\n{P}",
        "tél {T} / mail {E}",
        "Notre numéro de TVA est {V}",
        "Pouvez-vous enregistrer l'IBAN {I} ? titulaire : {P}",
        "passeport n° {PP}, valable jusqu'au {DT}",
        "Livraison chez {P}, {A}",
        "mon numéro a changé : {T} 📱",
        "Bien à vous\n{P}\n{CITY}",
        "paiement refusé avec la carte {C}, pourquoi ?",
        "je m'appelle {p}, {D}",
        "L'adresse IP de ma box est {IP}",
        "Madame {P} est joignable au {T}",
        "{N}\n{A}",
        "Mon fils {P} ({D}) voudrait aussi un compte",
        "Contact : {P} <{E}>",
        "Vous pouvez changer mon adresse en {A} ?",
    ],
    "it": [
        "Per la pratica: {N}, {D}",
        "ecco qui {N}",
        "Dati richiesti ({N}), grazie",
        "Salve, sono {P}, il mio nuovo numero è {T}",
        "scrivetemi a {E} per favore",
        "Nome: {P}\nData di nascita: {d}\nIndirizzo: {A}",
        "Rimborso sull'IBAN {I}, grazie",
        "la carta {C} è stata addebitata due volte per l'ordine {ORD}",
        "Il mio {N}, serve altro?",
        "Nuovo indirizzo: {A}",
        "Richiamatemi al {T} dopo le {TM}",
        "Mia moglie {P} ritirerà il pacco",
        "Accesso da {IP}?? non ero io",
        "Sono {D}, ho diritto allo sconto over 65?",
        "Cordiali saluti,\n{P}",
        "cell. {T} - email {E}",
        "La nostra partita IVA è {V}",
        "Potete registrare l'IBAN {I}? Intestatario {P}",
        "passaporto n. {PP}, scade il {DT}",
        "Consegna a {P}, {A}",
        "ho cambiato numero: {T} 😅",
        "Un saluto da {CITY}\n{P}",
        "pagamento rifiutato con la carta {C}, come mai?",
        "mi chiamo {p}, {D}",
        "Il mio router ha l'IP {IP}",
        "La signora {P} risponde al {T}",
        "{N}\n{A}",
        "Mio figlio {P} ({D}) vorrebbe aprire un conto",
        "Referente: {P} ({E})",
        "Potete cambiare il mio indirizzo in {A}?",
    ],
    "es": [
        "Para el formulario: {N}, {D}",
        "aquí va: {N}",
        "Datos solicitados ({N}), gracias",
        "Hola, soy {P}, mi nuevo móvil es {T}",
        "escribidme a {E} por favor",
        "Nombre: {P}\nFecha de nacimiento: {d}\nDomicilio: {A}",
        "Devolución a la cuenta {I}, gracias",
        "me han cobrado dos veces en la tarjeta {C} (pedido {ORD})",
        "Mi {N}, ¿necesitan algo más?",
        "Nueva dirección: {A}",
        "Llámenme al {T} a partir de las {TM}",
        "Mi marido {P} recogerá el paquete",
        "¿¿Acceso desde {IP}?? no fui yo",
        "Soy {D}, ¿tengo descuento de jubilado?",
        "Un saludo,\n{P}",
        "tlf {T} · email {E}",
        "Nuestro NIF-IVA es {V}",
        "¿Podéis domiciliar en {I}? Titular: {P}",
        "pasaporte nº {PP}, caduca el {DT}",
        "Entrega a {P}, {A}",
        "he cambiado de número: {T} 🙂",
        "Saludos desde {CITY}\n{P}",
        "pago rechazado con la tarjeta {C}, ¿por qué?",
        "me llamo {p}, {D}",
        "La IP de mi router es {IP}",
        "La señora {P} está en el {T}",
        "{N}\n{A}",
        "Mi hija {P} ({D}) quiere abrir una cuenta también",
        "Contacto: {P} ({E})",
        "¿Pueden cambiar mi dirección a {A}?",
    ],
    "nl": [
        "Voor het formulier: {N}, {D}",
        "hierbij {N}",
        "Gevraagde gegevens ({N}), dank",
        "Hoi, met {P}, mijn nieuwe nummer is {T}",
        "graag mailen naar {E}",
        "Naam: {P}\nGeboortedatum: {d}\nAdres: {A}",
        "Terugbetaling op rekening {I} aub",
        "mijn creditcard {C} is twee keer belast voor bestelling {ORD}",
        "Mijn {N}, hebben jullie nog iets nodig?",
        "Nieuw adres: {A}",
        "Bel me terug op {T} na {TM}",
        "Mijn vrouw {P} haalt het pakket op",
        "Inlog vanaf {IP}?? dat was ik niet",
        "Ik ben {D}, krijg ik seniorenkorting?",
        "Met vriendelijke groet,\n{P}",
        "tel {T} / mail {E}",
        "Ons btw-nummer is {V}",
        "Kunnen jullie {I} als rekening vastleggen? Tenaamstelling {P}",
        "paspoortnummer {PP}, geldig tot {DT}",
        "Bezorgen bij {P}, {A}",
        "nieuw nummer: {T} 👋",
        "Groetjes uit {CITY}\n{P}",
        "betaling met kaart {C} geweigerd, waarom?",
        "mijn naam is {p}, {D}",
        "Het IP van mijn modem is {IP}",
        "Mevrouw {P} is bereikbaar op {T}",
        "{N}\n{A}",
        "Mijn zoon {P} ({D}) wil ook een rekening",
        "Contactpersoon: {P} ({E})",
        "Kunnen jullie mijn adres wijzigen naar {A}?",
    ],
    "pl": [
        "Do formularza: {N}, {D}",
        "proszę: {N}",
        "Dane, o które prosiliście ({N}), dzięki",
        "Dzień dobry, tu {P}, mój nowy numer to {T}",
        "proszę pisać na {E}",
        "Imię i nazwisko: {P}\nData urodzenia: {d}\nAdres: {A}",
        "Zwrot proszę na konto {I}",
        "karta {C} została obciążona dwa razy (zamówienie {ORD})",
        "Mój {N}, czy potrzebne coś jeszcze?",
        "Nowy adres: {A}",
        "Proszę o telefon na {T} po {TM}",
        "Mój mąż {P} odbierze paczkę",
        "Logowanie z {IP}?? to nie ja",
        "Jestem {D}, czy mam zniżkę seniora?",
        "Z poważaniem\n{P}",
        "tel. {T}, e-mail {E}",
        "Nasz NIP UE to {V}",
        "Czy możecie zapisać konto {I}? Właściciel: {P}",
        "paszport nr {PP}, ważny do {DT}",
        "Dostawa do {P}, {A}",
        "zmieniłem numer: {T} 😉",
        "Pozdrawiam z miasta {CITY}\n{P}",
        "płatność kartą {C} odrzucona, dlaczego?",
        "nazywam się {p}, {D}",
        "IP mojego routera to {IP}",
        "Pani {P} jest dostępna pod numerem {T}",
        "{N}\n{A}",
        "Moja córka {P} ({D}) chce założyć konto",
        "Osoba kontaktowa: {P} ({E})",
        "Czy możecie zmienić mój adres na {A}?",
    ],
    "ro": [
        "Pentru formular: {N}, {D}",
        "poftiți: {N}",
        "Datele cerute ({N}), mulțumesc",
        "Bună ziua, sunt {P}, noul meu număr este {T}",
        "vă rog scrieți-mi la {E}",
        "Nume: {P}\nData nașterii: {d}\nAdresă: {A}",
        "Rambursare în contul {I}, vă rog",
        "cardul {C} a fost debitat de două ori (comanda {ORD})",
        "{N}, mai aveți nevoie de ceva?",
        "Adresă nouă: {A}",
        "Sunați-mă la {T} după ora {TM}",
        "Soțul meu {P} va ridica coletul",
        "Autentificare de pe {IP}?? nu am fost eu",
        "Sunt {D}, am reducere de pensionar?",
        "Cu stimă,\n{P}",
        "tel. {T}, email {E}",
        "Codul nostru de TVA este {V}",
        "Puteți înregistra contul {I}? Titular: {P}",
        "pașaport nr. {PP}, valabil până la {DT}",
        "Livrare către {P}, {A}",
        "am schimbat numărul: {T} 😊",
        "Salutări din {CITY}\n{P}",
        "plata cu cardul {C} a fost refuzată, de ce?",
        "mă numesc {p}, {D}",
        "IP-ul routerului meu este {IP}",
        "Doamna {P} poate fi contactată la {T}",
        "{N}\n{A}",
        "Fiica mea {P} ({D}) vrea și ea un cont",
        "Persoană de contact: {P} ({E})",
        "Puteți schimba adresa mea în {A}?",
    ],
}

NEG = {
    "en": [
        "My flight {FLT} on {DT} was cancelled, booking ref {BK}. What now?",
        "Order number {ORD} still hasn't arrived, tracking says {TRK}",
        "Is the {SKU} still available for {PRICE}?",
        "We're in {CITY} until Friday, can the engineer come at {TM}?",
        "Senior Account Manager Director of Sales both want the report",
        "Virus scanner flagged the download, is that a false alarm?",
        "Room {ROOM}, gate {ROOM}, seat {ROOM} - I just need to know the boarding time",
        "How do I change my phone number in the app?",
        "Apple Watch Series 9 or Galaxy Watch 6, which one syncs better?",
        "the new pricing is a real headache, {PRICE} per seat is too much",
        "Can I return {N} items from order {ORD} after {DT}?",
        "Thank you so much, Customer Service Team was great!",
        "Delivery window {DT} between {TM} and {TM} works",
        "Where do I find my IBAN in the banking app?",
        "Ralph Lauren shirts are back in stock? Size L please",
        "Monday Tuesday or Wednesday, any is fine",
    ],
    "de": [
        "Mein Flug {FLT} am {DT} wurde gestrichen, Buchungscode {BK}",
        "Bestellnummer {ORD} ist immer noch nicht da, Sendung {TRK}",
        "Gibt es {SKU} noch für {PRICE}?",
        "Wir sind bis Freitag in {CITY}, kann der Techniker um {TM} kommen?",
        "Leiter Vertrieb und Head of Marketing wollen den Bericht",
        "Das Update ist ein echter Kopfschmerz, {PRICE} pro Lizenz ist zu viel",
        "Zimmer {ROOM}, Gleis {N}, Platz {ROOM} – wann fährt der Zug?",
        "Wie ändere ich meine Telefonnummer in der App?",
        "Hugo Boss oder Tom Tailor, was passt besser?",
        "Kann ich {N} Artikel aus Auftrag {ORD} nach dem {DT} zurückgeben?",
        "Vielen Dank, das Team vom Kundenservice war super!",
        "Lieferfenster {DT} zwischen {TM} und {TM} passt",
        "Wo finde ich meine IBAN im Online-Banking?",
        "Unsere Filiale in {CITY} hat samstags geöffnet",
        "Virenscanner meldet die Datei, Fehlalarm?",
        "Montag Dienstag oder Mittwoch, ist egal",
    ],
    "fr": [
        "Mon vol {FLT} du {DT} est annulé, référence {BK}",
        "Commande numéro {ORD} toujours pas arrivée, suivi {TRK}",
        "Le {SKU} est encore dispo à {PRICE} ?",
        "On est à {CITY} jusqu'à vendredi, le technicien peut passer à {TM} ?",
        "Directeur Commercial et Responsable Marketing veulent le rapport",
        "Cette mise à jour est un vrai casse-tête, {PRICE} par licence c'est trop",
        "Chambre {ROOM}, voie {N}, place {ROOM} : à quelle heure part le train ?",
        "Comment changer mon numéro de téléphone dans l'appli ?",
        "Louis Vuitton ou Yves Saint Laurent pour un cadeau ?",
        "Je peux retourner {N} articles de la commande {ORD} après le {DT} ?",
        "Merci beaucoup, le Service Client a été top !",
        "Créneau de livraison le {DT} entre {TM} et {TM}, ça marche",
        "Où trouver mon RIB dans l'appli ?",
        "Notre agence de {CITY} est ouverte le samedi",
        "L'antivirus a bloqué le fichier, fausse alerte ?",
        "Lundi Mardi ou Mercredi, peu importe",
    ],
    "it": [
        "Il mio volo {FLT} del {DT} è stato cancellato, codice prenotazione {BK}",
        "Ordine numero {ORD} non ancora arrivato, tracking {TRK}",
        "Il {SKU} è ancora disponibile a {PRICE}?",
        "Siamo a {CITY} fino a venerdì, il tecnico può venire alle {TM}?",
        "Direttore Commerciale e Responsabile Marketing vogliono il report",
        "Questo aggiornamento è un mal di testa, {PRICE} a licenza è troppo",
        "Camera {ROOM}, binario {N}, posto {ROOM}: a che ora parte il treno?",
        "Come cambio il mio numero di telefono nell'app?",
        "Giorgio Armani o Dolce Gabbana per un regalo?",
        "Posso restituire {N} articoli dell'ordine {ORD} dopo il {DT}?",
        "Grazie mille, il Servizio Clienti è stato gentilissimo!",
        "Consegna il {DT} tra le {TM} e le {TM}, va bene",
        "Dove trovo il mio IBAN nell'app?",
        "La filiale di {CITY} è aperta il sabato",
        "L'antivirus ha bloccato il file, falso allarme?",
        "Lunedì Martedì o Mercoledì, fa lo stesso",
    ],
    "es": [
        "Mi vuelo {FLT} del {DT} se canceló, localizador {BK}",
        "El pedido número {ORD} no ha llegado, seguimiento {TRK}",
        "¿El {SKU} sigue a {PRICE}?",
        "Estamos en {CITY} hasta el viernes, ¿puede venir el técnico a las {TM}?",
        "Director Comercial y Jefe de Marketing quieren el informe",
        "Esta actualización es un dolor de cabeza, {PRICE} por licencia es mucho",
        "Habitación {ROOM}, andén {N}, asiento {ROOM}: ¿a qué hora sale el tren?",
        "¿Cómo cambio mi número de teléfono en la app?",
        "¿Carolina Herrera o Adolfo Domínguez para un regalo?",
        "¿Puedo devolver {N} artículos del pedido {ORD} después del {DT}?",
        "Muchas gracias, ¡Atención al Cliente ha sido genial!",
        "Entrega el {DT} entre las {TM} y las {TM}, perfecto",
        "¿Dónde encuentro mi IBAN en la app?",
        "La oficina de {CITY} abre los sábados",
        "El antivirus bloqueó el archivo, ¿falsa alarma?",
        "Lunes Martes o Miércoles, me da igual",
    ],
    "nl": [
        "Mijn vlucht {FLT} op {DT} is geannuleerd, boekingscode {BK}",
        "Bestelnummer {ORD} is nog steeds niet binnen, track & trace {TRK}",
        "Is de {SKU} nog te krijgen voor {PRICE}?",
        "We zijn tot vrijdag in {CITY}, kan de monteur om {TM} komen?",
        "Hoofd Verkoop en Marketing Manager willen het rapport",
        "Deze update is echt hoofdpijn, {PRICE} per licentie is te veel",
        "Kamer {ROOM}, spoor {N}, stoel {ROOM}: hoe laat vertrekt de trein?",
        "Hoe wijzig ik mijn telefoonnummer in de app?",
        "Scotch Soda of Tommy Hilfiger voor een cadeau?",
        "Kan ik {N} artikelen van bestelling {ORD} na {DT} retourneren?",
        "Heel erg bedankt, de Klantenservice was top!",
        "Levering op {DT} tussen {TM} en {TM} is prima",
        "Waar vind ik mijn IBAN in de app?",
        "Ons filiaal in {CITY} is zaterdag open",
        "De virusscanner blokkeerde het bestand, vals alarm?",
        "Maandag Dinsdag of Woensdag, maakt niet uit",
    ],
    "pl": [
        "Mój lot {FLT} z dnia {DT} odwołany, kod rezerwacji {BK}",
        "Zamówienie numer {ORD} nadal nie dotarło, numer przesyłki {TRK}",
        "Czy {SKU} jest jeszcze w cenie {PRICE}?",
        "Jesteśmy w mieście {CITY} do piątku, czy technik może przyjść o {TM}?",
        "Dyrektor Handlowy i Kierownik Marketingu chcą raport",
        "Ta aktualizacja to ból głowy, {PRICE} za licencję to za dużo",
        "Pokój {ROOM}, peron {N}, miejsce {ROOM}: o której odjeżdża pociąg?",
        "Jak zmienić numer telefonu w aplikacji?",
        "Reserved czy Wólczanka na prezent?",
        "Czy mogę zwrócić {N} produkty z zamówienia {ORD} po {DT}?",
        "Bardzo dziękuję, Obsługa Klienta była super!",
        "Dostawa {DT} między {TM} a {TM} pasuje",
        "Gdzie znajdę swój IBAN w aplikacji?",
        "Nasz oddział w mieście {CITY} jest otwarty w soboty",
        "Antywirus zablokował plik, fałszywy alarm?",
        "Poniedziałek Wtorek albo Środa, obojętnie",
    ],
    "ro": [
        "Zborul meu {FLT} din {DT} a fost anulat, cod rezervare {BK}",
        "Comanda numărul {ORD} nu a ajuns, AWB {TRK}",
        "Mai este {SKU} la {PRICE}?",
        "Suntem în {CITY} până vineri, poate veni tehnicianul la {TM}?",
        "Director Vânzări și Manager Marketing vor raportul",
        "Actualizarea asta e o durere de cap, {PRICE} pe licență e prea mult",
        "Camera {ROOM}, linia {N}, locul {ROOM}: la ce oră pleacă trenul?",
        "Cum îmi schimb numărul de telefon în aplicație?",
        "Vel Pitar sau Boromir? vreau doar pâine feliată",
        "Pot returna {N} produse din comanda {ORD} după {DT}?",
        "Mulțumesc mult, Serviciul Clienți a fost minunat!",
        "Livrare pe {DT} între {TM} și {TM}, e bine",
        "Unde găsesc IBAN-ul în aplicație?",
        "Sucursala din {CITY} este deschisă sâmbăta",
        "Antivirusul a blocat fișierul, alarmă falsă?",
        "Luni Marți sau Miercuri, nu contează",
    ],
}


# ---------------------------------------------------------------------------------------------
# rendering





class Msg:
    def __init__(self):
        self.parts = []
        self.ents = []
        self.n = 0  # bytes so far

    def lit(self, s):
        self.parts.append(s)
        self.n += len(s.encode())

    def ent(self, typ, v, sub=None):
        e = {"type": typ, "start": self.n, "end": self.n + len(v.encode()), "value": v}
        if sub:
            e["subtype"] = sub
        self.ents.append(e)
        self.lit(v)

    def text(self):
        return "".join(self.parts)


def _split(tpl):
    """Splits a template into literal strings and slot names."""
    out, i = [], 0
    while i < len(tpl):
        j = tpl.find("{", i)
        if j < 0:
            out.append(("lit", tpl[i:]))
            break
        if j > i:
            out.append(("lit", tpl[i:j]))
        k = tpl.index("}", j)
        out.append(("slot", tpl[j + 1:k]))
        i = k + 1
    return out


def _style(lit, lower, nopunct, last):
    if lower:
        lit = lit.lower()
    if nopunct and last:
        lit = lit.rstrip(".!?")
    return lit


def render(tpl, lang):
    m = Msg()
    parts = _split(tpl)
    neg = not any(k == "slot" and v in PII_SLOTS for k, v in parts)
    lower = R.random() < 0.12
    nopunct = R.random() < 0.15
    who = None
    for idx, (k, v) in enumerate(parts):
        last = idx == len(parts) - 1
        if k == "lit":
            m.lit(_style(v, lower, nopunct, last))
            continue
        if v == "P":
            who = person(lang)
            m.ent("PERSON", who[0])
        elif v == "p":
            who = person(lang)
            m.ent("PERSON", who[0].lower())
        elif v == "E":
            w = who or person(lang)
            m.ent("EMAIL", email(lang, w[1], w[2].split()[-1]))
        elif v == "T":
            m.ent("PHONE", phone(lang))
        elif v == "I":
            m.ent("IBAN", iban(lang))
        elif v == "C":
            m.ent("CREDIT_CARD", card())
        elif v == "IP":
            m.ent("IP_ADDRESS", ipv4() if R.random() < 0.45 else ipv6())
        elif v == "N" or v == "n":
            sub = pick(NID_BY_LANG[lang])
            fn, ctxs = NID[sub]
            if sub == "IT_FISCAL_CODE" and who:
                _, val = nid_it_cf(who[1], who[2])
            else:
                _, val = fn()
            if v == "N":
                c = pick(ctxs)
                m.lit(_style(c, lower, False, False) + pick([": ", " ", " ", ": ", " - "]))
            m.ent("NATIONAL_ID", val, sub)
        elif v == "V":
            m.ent("VAT_ID", vat(lang))
        elif v == "D":
            c = pick(DOB_CTX[lang])
            m.lit(_style(c, lower, False, False) + " ")
            m.ent("DATE_OF_BIRTH", dob_date(lang))
        elif v == "d":
            m.ent("DATE_OF_BIRTH", dob_date(lang))
        elif v == "A":
            m.ent("ADDRESS", address(lang))
        elif v == "PP":
            m.ent("PASSPORT", passport(lang))
        else:
            m.lit(filler(v, lang))
        if last and nopunct is False and R.random() < 0.0:
            pass
    text = m.text()
    if R.random() < 0.08:
        text += pick([" 🙏", " 😊", "!!", " 👍", " ?", " thx"[:0] + " :)"])
    return text, m.ents, neg


PII_SLOTS = {"P", "p", "E", "T", "I", "C", "IP", "N", "n", "V", "D", "d", "A", "PP"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7331)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "pii-heldout.jsonl"))
    a = ap.parse_args()
    R.seed(a.seed)
    rows = []
    for lang in LANGS:
        nneg = round(PER_LANG * NEG_SHARE)
        pos_t, neg_t = POS[lang], NEG[lang]
        order = [("neg", neg_t[i % len(neg_t)]) for i in range(nneg)] + \
                [("pos", pos_t[i % len(pos_t)]) for i in range(PER_LANG - nneg)]
        R.shuffle(order)
        for kind, tpl in order:
            text, ents, _ = render(tpl, lang)
            for e in ents:
                assert text.encode()[e["start"]:e["end"]].decode() == e["value"]
            rows.append({"lang": lang, "text": text, "entities": ents})
    R.shuffle(rows)
    with open(a.out, "w", encoding="utf-8") as f:
        for i, r in enumerate(rows):
            r = {"id": "ho-%05d" % (i + 1), **r}
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("wrote %d messages to %s" % (len(rows), a.out))


if __name__ == "__main__":
    main()
