#!/usr/bin/env python3
"""Agreement of revmine's zero-config extraction with extruct on the page corpus.

    extruct_compare.py REVMINE_BINARY PAGES_DIR

For every HTML page in PAGES_DIR/index.tsv, extruct (Debian's python3-extruct) reads the
JSON-LD, microdata and OpenGraph; a small reference mapper below turns its output into
revmine's record fields (the schema.org vocabulary as ARCHITECTURE.md maps it: lowest offer
price, ratings on 0..5 from bestRating/worstRating, ISO dates, text without markup); and
`revmine extract` runs on the same page. Fields are compared per kind:

    product   name, sku, brand          offer   price, currency
    rating    product rating and counts, review ratings
    review    author, date, title, body

A field counts when either side has it; it agrees when both hold the same value. Items extruct
could not read at all (a JSON-LD block only revmine's repair reads) are listed, not counted.
"""
import html
import json
import math
import re
import subprocess
import sys
from urllib.parse import urljoin, urldefrag

import extruct

PRODUCT_TYPES = {"Product", "ProductGroup", "ProductModel", "IndividualProduct", "SomeProducts",
                 "Vehicle", "Car", "Motorcycle", "MotorizedBicycle", "BusOrCoach"}
KINDS = {
    "product": ("name", "sku", "brand"),
    "offer": ("price", "currency"),
    "rating": ("rating", "rating_count", "review_count"),
    "review": ("author", "date", "title", "body"),
}


def local(name):
    if not isinstance(name, str):
        return name
    if name.startswith(("http://", "https://")):
        return re.split(r"[/#]", name.rstrip("/#"))[-1]
    return name.split(":", 1)[1] if ":" in name and not name.startswith("@") else name


def first(v):
    while isinstance(v, list):
        v = v[0] if v else None
    if isinstance(v, dict) and "@value" in v:
        v = v["@value"]
    return v


def text(v):
    v = first(v)
    if isinstance(v, dict):
        v = first(v.get("name"))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = ("%d" % v) if float(v).is_integer() else repr(v)
    if not isinstance(v, str):
        return None
    v = re.sub(r"<[^>]*>", " ", v)
    v = " ".join(html.unescape(v).split())
    return v or None


def number(v, money=False):
    v = first(v)
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if not isinstance(v, str):
        return None
    m = re.search(r"\d[\d\s\u00a0\u202f.,']*", v)
    if not m:
        return None
    s = re.sub(r"[\s\u00a0\u202f']", "", m.group(0)).rstrip(".,")
    marks = [c for c in s if c in ".,"]
    if len(set(marks)) > 1:
        last = max(s.rfind("."), s.rfind(","))
        s = re.sub(r"[.,]", "", s[:last]) + "." + s[last + 1:]
    elif len(marks) > 1:
        s = re.sub(r"[.,]", "", s)
    elif marks:
        head, tail = re.split(r"[.,]", s)
        if money and len(tail) == 3 and len(head) <= 3 and head != "0":
            s = head + tail
        else:
            s = head + "." + tail
    try:
        return float(s)
    except ValueError:
        return None


def count(v):
    n = first(v)
    if isinstance(n, str):
        digits = re.sub(r"[^\d]", "", re.search(r"[\d][\d\s\u00a0,.']*", n).group(0)) \
            if re.search(r"\d", n) else ""
        return int(digits) if digits else None
    return int(round(n)) if isinstance(n, (int, float)) and not isinstance(n, bool) else None


def scaled(value, best, worst):
    v, b, w = number(value), number(best), number(worst)
    if v is None:
        return None
    b = 5.0 if b is None else b
    w = (1.0 if b > 1 else 0.0) if w is None else w
    if b <= 0 or w >= b or v > b:
        return None
    r = v / b * 5 if w >= 0 else (v - w) / (b - w) * 5
    return round(max(r, 0) * 1000) / 1000


def date(v):
    v = text(v)
    m = re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", v or "")
    return "%s-%02d-%02d" % (m.group(1), int(m.group(2)), int(m.group(3))) if m else None


def currency(v):
    v = text(v)
    if v and re.fullmatch(r"[A-Z]{3}", v):
        return "RUB" if v == "RUR" else v
    return None


class Mapper:
    """schema.org entities (JSON-LD shape) to product and review fields."""

    def __init__(self, page_url, ids):
        self.page, self.ids = page_url, ids
        self.products, self.reviews = [], []

    def deref(self, o):
        if isinstance(o, dict) and set(o) <= {"@id", "@type"} and o.get("@id") in self.ids:
            return self.ids[o["@id"]]
        return o

    def prop(self, o, name):
        if name in o:
            return o[name]
        for k, v in o.items():
            if ":" in k and local(k) == name:
                return v
        return None

    def types(self, o):
        t = o.get("@type", o.get("type"))
        return {local(x) for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)}

    def url(self, v):
        v = self.deref(first(v))
        if isinstance(v, dict):
            v = first(v.get("url")) or v.get("@id")
        if not isinstance(v, str):
            return None
        u = urldefrag(urljoin(self.page, v.strip()))[0]
        return u if u.startswith(("http://", "https://")) else None

    def offers(self, v, outer, best):
        v = self.deref(v)
        if isinstance(v, list):
            for e in v:
                best = self.offers(e, outer, best)
            return best
        if not isinstance(v, dict):
            return best
        outer = currency(self.prop(v, "priceCurrency")) or outer
        for k in ("price", "lowPrice", "minPrice"):
            p = number(self.prop(v, k), money=True)
            if p is not None and (best[0] is None or p < best[0]):
                best = (p, outer)
        best = self.offers(self.prop(v, "priceSpecification"), outer, best)
        return self.offers(self.prop(v, "offers"), outer, best)

    def product(self, o, seen):
        key = id(o)
        if key in seen:
            return seen[key]
        url = self.url(self.prop(o, "url"))
        p = {"url": url or self.page, "given": bool(url), "name": text(self.prop(o, "name"))}
        for k in ("sku", "productID", "gtin13", "gtin", "gtin12", "gtin14", "gtin8", "isbn",
                  "mpn"):
            if text(self.prop(o, k)):
                p["sku"] = text(self.prop(o, k))
                break
        p["brand"] = text(self.deref(first(self.prop(o, "brand"))))
        p["price"], p["currency"] = self.offers(self.prop(o, "offers"), None, (None, None))
        ar = self.deref(first(self.prop(o, "aggregateRating")))
        if isinstance(ar, dict):
            p["rating"] = scaled(self.prop(ar, "ratingValue"), self.prop(ar, "bestRating"),
                                 self.prop(ar, "worstRating"))
            p["rating_count"] = count(self.prop(ar, "ratingCount"))
            p["review_count"] = count(self.prop(ar, "reviewCount"))
        self.products.append(p)
        seen[key] = p
        for k in ("review", "reviews"):
            rs = self.prop(o, k)
            for r in rs if isinstance(rs, list) else [rs]:
                r = self.deref(r)
                if isinstance(r, dict):
                    self.review(r, p, seen)
        return p

    def review(self, o, product, seen):
        if product is None:
            item = self.deref(first(self.prop(o, "itemReviewed")))
            if isinstance(item, dict):
                product = self.product(item, seen)
        r = {"product": product}
        a = self.deref(first(self.prop(o, "author")))
        r["author"] = text(a.get("name")) if isinstance(a, dict) else text(a)
        rr = self.deref(first(self.prop(o, "reviewRating")))
        if isinstance(rr, dict):
            r["rating"] = scaled(self.prop(rr, "ratingValue"), self.prop(rr, "bestRating"),
                                 self.prop(rr, "worstRating"))
        r["date"] = date(self.prop(o, "datePublished")) or date(self.prop(o, "dateCreated"))
        r["title"] = text(self.prop(o, "name")) or text(self.prop(o, "headline"))
        r["body"] = (text(self.prop(o, "reviewBody")) or text(self.prop(o, "description"))
                     or text(self.prop(o, "text")))
        self.reviews.append(r)

    def visit(self, v, seen, depth=0):
        if depth > 32:
            return
        if isinstance(v, list):
            for e in v:
                self.visit(e, seen, depth + 1)
            return
        if not isinstance(v, dict):
            return
        v = self.deref(v)
        if "@graph" in v:
            self.visit(v["@graph"], seen, depth + 1)
        t = self.types(v)
        reviewish = any(x.endswith("Review") and x != "ClaimReview" for x in t)
        if reviewish:
            self.review(v, None, seen)
        elif t & {"AggregateRating", "Rating"}:
            item = self.deref(first(self.prop(v, "itemReviewed")))
            if isinstance(item, dict):
                p = self.product(item, seen)
                if p.get("rating") is None:
                    p["rating"] = scaled(self.prop(v, "ratingValue"), self.prop(v, "bestRating"),
                                         self.prop(v, "worstRating"))
        elif (t & PRODUCT_TYPES or any(self.prop(v, k) is not None
                                       for k in ("aggregateRating", "review", "reviews"))):
            self.product(v, seen)
        else:
            for k, e in v.items():
                if not k.startswith("@") and isinstance(e, (dict, list)):
                    self.visit(e, seen, depth + 1)


def microdata_to_ld(item, depth=0):
    """extruct's {"type", "id", "properties"} items in JSON-LD shape."""
    if not isinstance(item, dict) or depth > 32:
        return item
    out = {}
    if item.get("type"):
        t = item["type"]
        out["@type"] = [local(x) for x in t] if isinstance(t, list) else local(t)
    if item.get("id"):
        out["@id"] = item["id"]
    for k, v in item.get("properties", {}).items():
        conv = [microdata_to_ld(x, depth + 1) for x in v] if isinstance(v, list) \
            else microdata_to_ld(v, depth + 1)
        out[local(k)] = conv
    return out


def og_product(og, page):
    props = {}
    for item in og:
        for k, v in item.get("properties", []):
            props.setdefault(k.lower(), v)
    t = props.get("og:type", "")
    if not (t.lower().startswith(("product", "og:product")) or "product:price:amount" in props):
        return None
    url = props.get("og:url")
    price = number(props.get("product:price:amount") or props.get("og:price:amount"), money=True)
    return {"url": urldefrag(urljoin(page, url))[0] if url else page, "given": bool(url),
            "main": True, "name": text(props.get("og:title")),
            "brand": text(props.get("product:brand")),
            "sku": text(props.get("product:retailer_item_id")), "price": price,
            "currency": currency(props.get("product:price:currency")
                                 or props.get("og:price:currency")) if price is not None else None}


def index_ids(v, ids, depth=0):
    if depth > 32:
        return
    if isinstance(v, list):
        for e in v:
            index_ids(e, ids, depth + 1)
    elif isinstance(v, dict):
        if isinstance(v.get("@id"), str) and len(v) > 1:
            ids.setdefault(v["@id"], v)
        for e in v.values():
            index_ids(e, ids, depth + 1)


def decode(raw, ctype):
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16", "replace")
    m = re.search(r"charset=[\"']?([\w-]+)", ctype or "", re.I) or \
        re.search(rb"charset=[\"']?([\w-]+)", raw[:4096], re.I)
    enc = m.group(1) if m else "utf-8"
    enc = enc.decode() if isinstance(enc, bytes) else enc
    try:
        return raw.decode({"iso-8859-1": "cp1252", "latin1": "cp1252"}.get(enc.lower(), enc),
                          "replace")
    except LookupError:
        return raw.decode("utf-8", "replace")


def reference(raw, url, ctype):
    """Products and reviews extruct's output describes, and the syntaxes it failed on."""
    doc = decode(raw, ctype)
    failed, data = [], {}
    for syntax in ("json-ld", "microdata", "opengraph"):
        try:
            data.update(extruct.extract(doc, base_url=url, syntaxes=[syntax], uniform=False))
        except Exception:  # extruct raises on JSON it cannot read
            failed.append(syntax)
    ids = {}
    index_ids(data.get("json-ld", []), ids)
    m = Mapper(url, ids)
    seen = {}
    m.visit(data.get("json-ld", []), seen)
    m.visit([microdata_to_ld(i) for i in data.get("microdata", [])], {})
    og = og_product(data.get("opengraph", []), url)
    if og:
        m.products.append(og)
    return m, failed


def merge(products, page):
    """One entry per item, as revmine merges them: same given URL or SKU, items without a
    URL of their own, and the OpenGraph page item joining the others."""
    out = []
    for p in products:
        for q in out:
            if ((p["given"] and q["given"] and p["url"] == q["url"]) or
                    (p.get("sku") and p.get("sku") == q.get("sku")) or
                    (not p["given"] and not q["given"]) or
                    (p.get("main") and (p["url"] == q["url"] or not q["given"] or len(out) == 1))):
                for k, v in p.items():
                    if q.get(k) is None:
                        q[k] = v
                if p["given"] and not q["given"]:
                    q["url"], q["given"] = p["url"], True
                p["_into"] = q
                break
        else:
            out.append(p)
    return out


def revmine(binary, path, url, ctype):
    cmd = [binary, "extract", "--url", url]
    if ctype != "-":
        cmd += ["--content-type", ctype]
    res = subprocess.run(cmd + [path], capture_output=True, text=True, check=True)
    return [json.loads(line) for line in res.stdout.splitlines()]


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, abs_tol=1e-6)
    return a == b


class Tally:
    def __init__(self):
        self.agree = {k: 0 for k in KINDS}
        self.total = {k: 0 for k in KINDS}
        self.diffs = []

    def field(self, page, kind, name, ours, ref):
        if ours is None and ref is None:
            return
        self.total[kind] += 1
        if same(ours, ref):
            self.agree[kind] += 1
        else:
            self.diffs.append("%s: %s.%s revmine=%r extruct=%r" % (page, kind, name, ours, ref))


def compare_page(t, name, ours, ref_map):
    page = ref_map.page
    products = merge(ref_map.products, page)
    mine = [r for r in ours if r["type"] == "product"]
    unmatched = list(mine)
    for p in products:
        cands = [r for r in mine if r.get("url") == p["url"]] or \
                ([mine[0]] if len(mine) == 1 and len(products) == 1 else [])
        r = cands[0] if cands else {}
        if r in unmatched:
            unmatched.remove(r)
        for kind in ("product", "offer", "rating"):
            for f in KINDS[kind]:
                t.field(name, kind, f, r.get(f), p.get(f))
    my_reviews = [r for r in ours if r["type"] == "review"]
    for rv in ref_map.reviews:
        match = [r for r in my_reviews if r.get("author") == rv.get("author") and
                 " ".join((r.get("body") or "").split())[:40] == (rv.get("body") or "")[:40]]
        r = match[0] if match else {}
        if r:
            my_reviews.remove(r)
        for f in KINDS["review"]:
            mine_v = r.get(f)
            if f in ("body", "title") and mine_v:
                mine_v = " ".join(mine_v.split())
            t.field(name, "review", f, mine_v, rv.get(f))
        t.field(name, "rating", "review rating", r.get("rating"), rv.get("rating"))
    return len(unmatched) + len(my_reviews)


def main():
    binary, pages = sys.argv[1], sys.argv[2]
    t = Tally()
    unread = []
    n = 0
    with open(pages + "/index.tsv", encoding="utf-8") as idx:
        for line in idx:
            if line.startswith("#") or not line.strip():
                continue
            name, url, ctype = line.rstrip("\n").split("\t")
            if not name.endswith(".html"):
                continue
            path = pages + "/" + name
            with open(path, "rb") as f:
                raw = f.read()
            ref_map, failed = reference(raw, url, None if ctype == "-" else ctype)
            ours = revmine(binary, path, url, ctype)
            extra = compare_page(t, name, ours, ref_map)
            if failed or extra:
                unread.append("%s: revmine read %d items extruct has not%s" %
                              (name, extra, " (extruct failed on %s)" % ", ".join(failed)
                               if failed else ""))
            n += 1
    print("pages compared: %d" % n)
    print("%-8s %8s %8s %8s" % ("fields", "agree", "total", "percent"))
    all_a = all_t = 0
    for k in KINDS:
        a, tt = t.agree[k], t.total[k]
        all_a, all_t = all_a + a, all_t + tt
        print("%-8s %8d %8d %7.2f%%" % (k, a, tt, 100.0 * a / tt if tt else 100.0))
    print("%-8s %8d %8d %7.2f%%" % ("all", all_a, all_t, 100.0 * all_a / all_t if all_t else 100))
    for d in t.diffs:
        print("  differs: " + d)
    for u in unread:
        print("  not counted, " + u)


if __name__ == "__main__":
    main()
