#!/usr/bin/python3
"""Generate the bundled sample audience and coupon pool, deterministically.

    /usr/bin/python3 tools/gen_samples.py           write playbooks/samples/*.csv
    /usr/bin/python3 tools/gen_samples.py --check   exit 1 if the files differ

The customers are synthetic: reserved domains (example.com/.net/.org), phone
numbers in the fictional ranges (+1 NPA 555-01xx; Ofcom's drama range
+44 7700 900xxx). The file exercises every path a real export would:

  * every locale the brand serves, plus tags that fall back (zh-Hant-HK to
    zh-TW, zh-Hans-SG to zh-CN, en-GB to en; fr and es-MX to the default;
    an empty locale);
  * the seven time zones, and a few rows with none (the brand's zone);
  * channel preferences, including opt-outs (email;-sms) and none at all;
  * every customer stage, so call-back audiences are never empty;
  * columns for the four bundled playbooks (orders, recalled lots, breach);
  * a few invalid emails and phones (reported and skipped, not fatal);
  * two shared emails and two shared phones across different ids (one
    message per wave each);
  * names in Chinese characters, with a comma and with quotes (CSV-quoted).

Only the standard library is used, and only Random.random() draws numbers,
so the output does not depend on how a Python version implements choice()
or shuffle().
"""
import csv
import io
import os
import random
import sys

SEED = 20261122
N = 300
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "playbooks", "samples")

COLUMNS = ["id", "first_name", "name", "email", "phone", "locale", "tz",
           "channels", "stage", "order_id", "order_status", "tracking_url",
           "new_eta", "product", "lot", "paid", "breach_affected",
           "monitoring_code"]

# How many customers of each locale (sums to N).
LOCALES = [("en", 100), ("en-GB", 25), ("zh-TW", 55), ("zh-Hant-HK", 20),
           ("zh-CN", 50), ("zh-Hans-SG", 20), ("fr", 15), ("es-MX", 15)]

STAGES = ["lost", "complaint", "grumbling", "dissatisfied", "not_dissatisfied",
          "not_satisfied", "satisfied", "praising", "loyal"]
STAGE_WEIGHTS = [4, 9, 10, 12, 15, 10, 20, 8, 12]

CHANNELS = [("email;sms", 35), ("sms;email", 20), ("email", 20),
            ("email;-sms", 10), ("sms", 5), ("", 10)]

ORDER_STATUS = [("pending", 33), ("late", 20), ("shipped", 15),
                ("delivered", 22), ("", 10)]

# Given names and surnames per locale, each with a romanisation for the
# email handle. Western names are "Given Surname"; Chinese names are written
# surname first with no space, or romanised surname first (Hong Kong and
# Singapore customers often use both forms).
WESTERN = {
    "en": (["Emily", "James", "Olivia", "Daniel", "Sophia", "Michael", "Ava",
            "Ethan", "Grace", "Noah", "Chloe", "Liam", "Hannah", "Benjamin",
            "Mia", "Lucas", "Zoe", "Jack", "Aiden", "Lily"],
           ["Carter", "Walker", "Brooks", "Reyes", "Nguyen", "Johnson",
            "Thompson", "Patel", "Kim", "Williams", "Martinez", "O'Connor",
            "Lee", "Scott", "Robinson", "Bennett", "Campbell", "Chen",
            "Foster", "Wang"]),
    "en-GB": (["Oliver", "Amelia", "Harry", "Isla", "George", "Poppy",
               "Freddie", "Imogen", "Arjun", "Siobhan"],
              ["Hughes", "Wright", "Evans", "Morgan", "Price", "Turner",
               "Shaw", "Clarke", "Sharma", "Kelly"]),
    "fr": (["Camille", "Théo", "Léa", "Hélène", "Mathis", "Chloé"],
           ["Lefèvre", "Marchand", "Dubois", "Rousseau", "Garnier"]),
    "es-MX": (["José", "María Fernanda", "Diego", "Ximena", "Andrés"],
              ["Hernández", "López", "Ramírez", "Ortega", "Peña"]),
}
CHINESE = {
    "zh-TW": ([("林", "lin"), ("陳", "chen"), ("黃", "huang"), ("張", "chang"),
               ("李", "lee"), ("王", "wang"), ("吳", "wu"), ("劉", "liu"),
               ("蔡", "tsai"), ("楊", "yang"), ("許", "hsu"), ("鄭", "cheng")],
              [("怡君", "yichun"), ("志明", "chihming"), ("雅婷", "yating"),
               ("家豪", "chiahao"), ("淑芬", "shufen"), ("俊傑", "chunchieh"),
               ("佩珊", "peishan"), ("冠宇", "kuanyu"), ("宜蓁", "yichen"),
               ("承翰", "chenghan"), ("詩涵", "shihhan"), ("宇翔", "yuhsiang")]),
    "zh-Hant-HK": ([("陳", "chan"), ("黃", "wong"), ("李", "lee"),
                    ("張", "cheung"), ("梁", "leung"), ("何", "ho")],
                   [("大文", "tai man"), ("嘉欣", "ka yan"),
                    ("偉強", "wai keung"), ("美玲", "mei ling"),
                    ("志偉", "chi wai"), ("詠詩", "wing sze")]),
    "zh-CN": ([("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"),
               ("陈", "chen"), ("杨", "yang"), ("赵", "zhao"), ("黄", "huang"),
               ("周", "zhou"), ("吴", "wu")],
              [("芳", "fang"), ("娜", "na"), ("伟", "wei"), ("洋", "yang"),
               ("静", "jing"), ("帆", "fan"), ("磊", "lei"), ("晓梅", "xiaomei"),
               ("杰", "jie"), ("丽华", "lihua"), ("建国", "jianguo"),
               ("婷婷", "tingting")]),
    "zh-Hans-SG": ([("陈", "tan"), ("林", "lim"), ("黄", "ng"), ("李", "lee"),
                    ("郑", "teh")],
                   [("伟明", "wei ming"), ("美华", "mei hua"),
                    ("志强", "chi keong"), ("秀英", "siew ying"),
                    ("家明", "kah ming")]),
}


def person(d, locale):
    """(name, first_name, email handle) for one customer."""
    if locale in WESTERN:
        given, family = WESTERN[locale]
        first, last = d.pick(given), d.pick(family)
        handle = "%s.%s" % (first, last)
        name = "%s %s" % (first, last)
    else:
        family, given = CHINESE[locale]
        (sc, sr), (gc, gr) = d.pick(family), d.pick(given)
        handle = "%s.%s" % (sr, gr)
        if locale in ("zh-Hant-HK", "zh-Hans-SG") and d.chance(0.25):
            first = gr.title()
            name = "%s %s" % (sr.title(), first)
        else:
            first, name = gc, sc + gc
    plain = handle.lower().replace(" ", "").replace("'", "")
    plain = plain.translate(str.maketrans("éèáíóñ", "eeaion"))
    return name, first, plain


ZONES = {
    "en": ["America/New_York", "America/Los_Angeles"],
    "en-GB": ["Europe/London"],
    "zh-TW": ["Asia/Taipei"],
    "zh-Hant-HK": ["Asia/Hong_Kong"],
    "zh-CN": ["Asia/Shanghai"],
    "zh-Hans-SG": ["Asia/Singapore"],
    "fr": ["Europe/London"],
    "es-MX": ["America/Los_Angeles"],
}

# What each zone pays for the stove and the tent (the 'paid' column).
PRICES = {
    "America/New_York": ("USD 89.00", "USD 249.00"),
    "America/Los_Angeles": ("USD 89.00", "USD 249.00"),
    "Europe/London": ("GBP 69.00", "GBP 199.00"),
    "Asia/Taipei": ("TWD 2790", "TWD 7690"),
    "Asia/Hong_Kong": ("HKD 699.00", "HKD 1890.00"),
    "Asia/Shanghai": ("CNY 629.00", "CNY 1699.00"),
    "Asia/Singapore": ("SGD 119.00", "SGD 329.00"),
    "": ("USD 89.00", "USD 249.00"),
}

STOVE = "TrailBlaze TS-200 Camp Stove"
STOVE_LOTS = ["TS200-24%02d" % m for m in range(5, 13)]   # 2407-2409 recalled
TENT = "Summit 2P Tent"
TENT_LOTS = ["ST2-2403", "ST2-2406", "ST2-2409"]

DOMAINS = ["example.com", "example.net", "example.org"]
US_AREAS = ["212", "213", "310", "312", "415", "512", "617", "646", "702",
            "718", "206", "305", "404", "503", "602", "619", "720", "808"]
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"   # no 0/O, 1/I, 2/Z, 5/S, 8/B


class Draw:
    """Picks built on Random.random() alone, so they are stable."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def index(self, n):
        return int(self.rng.random() * n)

    def pick(self, seq):
        return seq[self.index(len(seq))]

    def weighted(self, pairs):
        total = sum(w for _, w in pairs)
        x = self.rng.random() * total
        for value, w in pairs:
            if x < w:
                return value
            x -= w
        return pairs[-1][0]

    def chance(self, p):
        return self.rng.random() < p

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.index(i + 1)
            items[i], items[j] = items[j], items[i]

    def code(self, groups, size):
        return "-".join("".join(self.pick(CODE_ALPHABET) for _ in range(size))
                        for _ in range(groups))


def phone_for(d, locale, used):
    for _ in range(1000):
        if locale == "en-GB":
            number = "+447700900%03d" % d.index(1000)
        else:
            number = "+1%s55501%02d" % (d.pick(US_AREAS), d.index(100))
        if number not in used:
            used.add(number)
            return number
    raise SystemExit("gen_samples: ran out of fictional phone numbers")


def customers(d):
    locales = [loc for loc, n in LOCALES for _ in range(n)]
    assert len(locales) == N
    d.shuffle(locales)
    stages = list(STAGES)   # the first nine rows cover every stage
    while len(stages) < N:
        stages.append(d.weighted(list(zip(STAGES, STAGE_WEIGHTS))))
    d.shuffle(stages)

    rows, emails, phones, order_ids = [], set(), set(), set()
    for i in range(N):
        locale = locales[i]
        full, first, handle = person(d, locale)
        email = "%s@%s" % (handle, d.pick(DOMAINS))
        while email in emails:
            email = "%s%d@%s" % (handle, 2 + d.index(98), d.pick(DOMAINS))
        emails.add(email)
        tz = d.pick(ZONES[locale])
        status = d.weighted(ORDER_STATUS)
        order_id = tracking = eta = ""
        if status:
            order_id = "A1-%06d" % (100000 + d.index(900000))
            while order_id in order_ids:
                order_id = "A1-%06d" % (100000 + d.index(900000))
            order_ids.add(order_id)
            tracking = "https://acme.example/orders/" + order_id
        if status == "late":
            # Noon UTC is the same calendar day from Los Angeles to Taipei.
            eta = "2026-11-%02dT12:00:00Z" % (24 + d.index(6))
        product = lot = paid = ""
        r = d.rng.random()
        if r < 0.30:
            product, lot, paid = STOVE, d.pick(STOVE_LOTS), PRICES[tz][0]
        elif r < 0.45:
            product, lot, paid = TENT, d.pick(TENT_LOTS), PRICES[tz][1]
        affected = "yes" if d.chance(0.4) else "no"
        rows.append({
            "id": "C%04d" % (i + 1),
            "first_name": first,
            "name": full,
            "email": email if not d.chance(0.04) else "",
            "phone": phone_for(d, locale, phones) if not d.chance(0.10) else "",
            "locale": locale,
            "tz": tz,
            "channels": d.weighted(CHANNELS),
            "stage": stages[i],
            "order_id": order_id,
            "order_status": status,
            "tracking_url": tracking,
            "new_eta": eta,
            "product": product,
            "lot": lot,
            "paid": paid,
            "breach_affected": affected,
            "monitoring_code": "ACM-" + d.code(2, 4) if affected == "yes" else "",
        })
    special(rows)
    return rows


def special(rows):
    """Hand-placed rows for the paths a real export takes (fixed ids)."""
    by_id = {r["id"]: r for r in rows}

    def put(rid, **kw):
        by_id[rid].update(kw)

    # Names with a comma and with quotes: the CSV writer quotes them.
    put("C0007", name="Robert Miller, Jr.", first_name="Robert",
        email="robert.miller.jr@example.com", locale="en",
        tz="America/New_York")
    put("C0013", name='Margaret "Peggy" O\'Neil', first_name="Peggy",
        email="peggy.oneil@example.org", locale="en",
        tz="America/Los_Angeles")
    put("C0021", name="Chan, Mei Ling 陳美玲", first_name="美玲",
        email="meiling.chan.hk@example.net", locale="zh-Hant-HK",
        tz="Asia/Hong_Kong")
    # No first name: templates must still greet properly.
    put("C0031", first_name="")
    put("C0032", first_name="")
    # No locale, no time zone: the brand's defaults apply.
    put("C0041", locale="", tz="")
    put("C0042", locale="", tz="America/New_York")
    put("C0043", tz="")
    # Invalid addresses: reported as warnings, skipped on that channel.
    put("C0051", email="maria.lopez@")
    put("C0052", email="no-at-sign.example.com")
    put("C0053", email="two@@example.org")
    put("C0054", email="has space@example.net")
    put("C0061", phone="555-0142")
    put("C0062", phone="+1 (212) 555-0187")
    put("C0063", phone="0912-345-678")
    put("C0064", phone="+44 7700 900123")
    # Shared addresses across different ids: one message per wave.
    for a, b in (("C0071", "C0072"), ("C0073", "C0074")):
        shared = by_id[a]["email"] or "family.%s@example.net" % a.lower()
        put(a, email=shared)
        put(b, email=shared)
    for a, b in (("C0081", "C0082"), ("C0083", "C0084")):
        put(a, phone="+1202555%04d" % (100 + int(a[1:]) % 100))
        put(b, phone=by_id[a]["phone"])
    # Make the shared-address rows land in the order waves.
    for rid in ("C0071", "C0072", "C0081", "C0082"):
        if by_id[rid]["order_status"] not in ("pending", "late"):
            oid = "A1-9%05d" % int(rid[1:])
            put(rid, order_status="pending", order_id=oid,
                tracking_url="https://acme.example/orders/" + oid, new_eta="")
    # Prices follow the time zone, which the lines above may have changed.
    for r in rows:
        if r["product"]:
            r["paid"] = PRICES[r["tz"]][0 if r["product"] == STOVE else 1]


def coupons(d, rows):
    late = sum(1 for r in rows if r["order_status"] == "late")
    n = max(100, (late * 3 + 1) // 2 + 50)   # half again, plus 50 spare
    seen, codes = set(), []
    while len(codes) < n:
        c = "SORRY-" + d.code(2, 4)
        if c not in seen:
            seen.add(c)
            codes.append(c)
    return codes, late


def render(rows, codes):
    out = {}
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    out["customers.csv"] = buf.getvalue()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code"])
    for c in codes:
        w.writerow([c])
    out["coupons.csv"] = buf.getvalue()
    return out


def main(argv):
    check = argv[1:] == ["--check"]
    if argv[1:] and not check:
        print("usage: gen_samples.py [--check]", file=sys.stderr)
        return 2
    d = Draw(SEED)
    rows = customers(d)
    codes, late = coupons(d, rows)
    files = render(rows, codes)
    status = 0
    for name, text in sorted(files.items()):
        path = os.path.join(OUT, name)
        if check:
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    same = f.read() == text
            except FileNotFoundError:
                same = False
            if not same:
                print("gen_samples: %s is out of date" % path, file=sys.stderr)
                status = 1
            continue
        os.makedirs(OUT, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    if not check:
        print("gen_samples: %d customers (%d late), %d coupon codes"
              % (len(rows), late, len(codes)))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
