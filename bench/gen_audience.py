#!/usr/bin/python3
"""gen_audience.py N OUT - a synthetic audience of N customers with the
columns the bundled playbooks use, for the benchmarks. Deterministic."""
import random
import sys

LOCALES = ["en", "en", "en", "zh-TW", "zh-CN", "zh-Hant-HK", "en-GB", "fr"]
TZS = ["America/New_York", "America/Los_Angeles", "Europe/London",
       "Asia/Taipei", "Asia/Shanghai"]
CHANNELS = ["email;sms", "sms;email", "email", "email;-sms", ""]
STAGES = ["lost", "complaint", "grumbling", "dissatisfied", "not_dissatisfied",
          "not_satisfied", "satisfied", "praising", "loyal"]
STATUS = ["pending", "pending", "late", "shipped", "delivered"]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(20261122)
    with open(out, "w", encoding="utf-8") as f:
        f.write("id,first_name,name,email,phone,locale,tz,channels,stage,"
                "order_id,order_status,tracking_url,new_eta,product,lot,paid,"
                "breach_affected,monitoring_code\n")
        for i in range(n):
            first = "Name%d" % (i % 5000)
            f.write("C%08d,%s,%s Doe,user%d@example.com,+1555%07d,%s,%s,%s,%s,"
                    "A-%08d,%s,https://acme.example/o/%d,2026-11-25T12:00:00Z,"
                    "Camp Stove,TS200-2412,USD 69.00,%s,ACM-%06d\n" % (
                        i, first, first, i, i % 10000000, rnd.choice(LOCALES),
                        rnd.choice(TZS), rnd.choice(CHANNELS),
                        rnd.choice(STAGES), i, rnd.choice(STATUS), i,
                        rnd.choice(["yes", "no"]), i % 1000000))


if __name__ == "__main__":
    main()
