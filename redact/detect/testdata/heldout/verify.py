#!/usr/bin/python3
"""Cross-check pii-heldout.jsonl with third-party validators (optional).

Needs Debian's python3-stdnum and python3-phonenumbers (apt-get install python3-stdnum
python3-phonenumbers); gen.py itself uses none of them. Prints every labelled value that a
validator rejects and every digit run in a hard negative that a validator accepts.

    /usr/bin/python3 verify.py [pii-heldout.jsonl]
"""

import json
import re
import sys

import phonenumbers
from stdnum import iban, luhn
from stdnum.eu import vat
from stdnum.gb import vat as gbvat
from stdnum.at import vnr
from stdnum.be import nn
from stdnum.bg import egn
from stdnum.cz import rc
from stdnum.de import idnr
from stdnum.dk import cpr
from stdnum.ee import ik
from stdnum.es import dni, nie
from stdnum.fi import hetu
from stdnum.fr import nir
from stdnum.gr import amka
from stdnum.hr import oib
from stdnum.ie import pps
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.pl import pesel
from stdnum.pt import nif
from stdnum.ro import cnp
from stdnum.se import personnummer
from stdnum.si import ddv  # noqa: F401 (EMŠO has no stdnum module; checked by gen.py only)

REGION = {"en": "GB", "de": "DE", "fr": "FR", "it": "IT", "es": "ES", "nl": "NL", "pl": "PL", "ro": "RO"}

NID = {
    "DE_TAX_ID": idnr, "AT_SVNR": vnr, "FR_NIR": nir, "BE_NN": nn, "IT_FISCAL_CODE": codicefiscale,
    "ES_DNI": dni, "ES_NIE": nie, "NL_BSN": bsn, "PL_PESEL": pesel, "RO_CNP": cnp, "SE_PERSONNUMMER": personnummer,
    "DK_CPR": cpr, "FI_HETU": hetu, "PT_NIF": nif, "IE_PPS": pps, "HR_OIB": oib, "EE_ISIKUKOOD": ik,
    "GR_AMKA": amka, "CZ_SK_BIRTH_NUMBER": rc, "BG_EGN": egn,
}

NINO = re.compile(r"^(?![DFIQUV])[A-Z](?![DFIOQUV])[A-Z](?<!BG)(?<!GB)(?<!NK)(?<!KN)(?<!TN)(?<!NT)(?<!ZZ)\d{6}[A-D]$")


def check(row):
    bad = []
    for e in row["entities"]:
        v, t = e["value"], e["type"]
        ok = True
        if t == "PHONE":
            try:
                ok = phonenumbers.is_valid_number(phonenumbers.parse(v, REGION[row["lang"]]))
            except phonenumbers.NumberParseException:
                ok = False
        elif t == "IBAN":
            ok = iban.is_valid(v)
        elif t == "CREDIT_CARD":
            ok = luhn.is_valid(re.sub(r"\D", "", v))
        elif t == "VAT_ID":
            c = v.replace(" ", "")
            ok = gbvat.is_valid(c[2:]) if c.startswith("GB") else vat.is_valid(c)
        elif t == "NATIONAL_ID":
            sub = e["subtype"]
            if sub == "GB_NINO":
                ok = bool(NINO.match(re.sub(r"\s", "", v).upper()))
            elif sub in NID:
                if sub in ("AT_SVNR", "ES_DNI", "ES_NIE", "BE_NN", "NL_BSN", "FR_NIR", "DE_TAX_ID"):
                    v = re.sub(r"[\s./-]", "", v)  # group separators only
                ok = NID[sub].is_valid(v)
        if not ok:
            bad.append("%s %s %s %r" % (row["id"], t, e.get("subtype", ""), v))
    if not row["entities"]:
        for run in re.findall(r"\d[\d ]{10,}\d", row["text"]):
            d = run.replace(" ", "")
            if 12 <= len(d) <= 19 and luhn.is_valid(d):
                bad.append("%s negative holds a Luhn-valid run %r" % (row["id"], run))
        for run in re.findall(r"[A-Z]{2}\d{2}[A-Z0-9 ]{10,30}", row["text"]):
            if iban.is_valid(run.strip()):
                bad.append("%s negative holds a valid IBAN %r" % (row["id"], run))
    return bad


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "pii-heldout.jsonl"
    n, bad = 0, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            n += len(row["entities"])
            bad += check(row)
    for b in bad:
        print(b)
    print("%d entities, %d problems" % (n, len(bad)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
