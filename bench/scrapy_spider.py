"""Scrapy spider equivalent to bench/crawl.yaml, for `make bench-compare`.

Same site, same concurrency (16, all on one host), robots.txt obeyed, same links followed, and
the same fields extracted: products and first reviews from JSON-LD, reviews from microdata,
reviewer profiles from JSON-LD ProfilePage, social profiles from h-card. Items go to a JSON
Lines feed (Scrapy's counterpart of revmine's SQLite writer). revmine also scores every review;
Scrapy does no scoring, which favours Scrapy.
"""
import json
import os

import scrapy
from scrapy.linkextractors import LinkExtractor

ALLOW = [r'/(catalog|c/[^/?]+)(\?page=\d+)?$', r'/p/\d+-[^/?]+$', r'/p/\d+/reviews\?page=\d+$',
         r'/u/[^/?]+$', r'/@[^/?]+$', r'/people\?page=\d+$']
DENY = [r'[?&](sort|utm_[a-z]+)=']


class MarketSpider(scrapy.Spider):
    name = "market"
    custom_settings = {
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "USER_AGENT": "scrapy-bench (+https://github.com/revmine/revmine)",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.market = os.environ["MARKET_URL"]
        self.social = os.environ["SOCIAL_URL"]
        self.links = LinkExtractor(allow=ALLOW, deny=DENY)

    def start_requests(self):
        yield scrapy.Request(self.market + "/")
        yield scrapy.Request(self.social + "/people?page=1")

    def parse(self, response):
        for script in response.css('script[type="application/ld+json"]::text').getall():
            try:
                data = json.loads(script)
            except ValueError:
                continue
            yield from self.from_jsonld(data, response.url)
        for review in response.css('[itemtype="https://schema.org/Review"]'):
            yield {
                "type": "review",
                "id": review.css('meta[itemprop="identifier"]::attr(content)').get(),
                "author": review.css('[itemprop="author"] [itemprop="name"]::text').get(),
                "rating": review.css('[itemprop="ratingValue"]::attr(content)').get(),
                "date": review.css('[itemprop="datePublished"]::attr(datetime)').get(),
                "title": review.css('[itemprop="name"]::text').get(),
                "body": " ".join(review.css('[itemprop="reviewBody"] ::text').getall()),
            }
        card = response.css(".h-card")
        if card:
            yield {
                "type": "profile",
                "url": response.url,
                "name": card.css(".p-name::text").get(),
                "handle": card.css(".p-nickname::text").get(),
                "city": card.css(".p-locality::text").get(),
                "interests": card.css(".p-category::text").getall(),
                "followers": card.css(".p-followers::attr(value)").get(),
            }
        for link in self.links.extract_links(response):
            yield response.follow(link.url, callback=self.parse)

    def from_jsonld(self, data, url):
        items = data.get("@graph", [data]) if isinstance(data, dict) else data
        for item in items:
            if not isinstance(item, dict):
                continue
            kind = item.get("@type")
            if kind == "Product":
                offers = item.get("offers") or {}
                if isinstance(offers, list):
                    offers = offers[0] if offers else {}
                yield {"type": "product", "url": item.get("url", url), "name": item.get("name"),
                       "sku": item.get("sku"), "price": offers.get("price") or offers.get("lowPrice"),
                       "rating": (item.get("aggregateRating") or {}).get("ratingValue")}
                for r in item.get("review", []) or []:
                    author = r.get("author")
                    yield {"type": "review", "id": r.get("identifier"),
                           "author": author.get("name") if isinstance(author, dict) else author,
                           "rating": (r.get("reviewRating") or {}).get("ratingValue"),
                           "date": r.get("datePublished"), "body": r.get("reviewBody")}
            elif kind == "ProfilePage":
                person = item.get("mainEntity") or {}
                yield {"type": "profile", "url": url, "name": person.get("name"),
                       "city": (person.get("address") or {}).get("addressLocality"),
                       "interests": person.get("knowsAbout")}
