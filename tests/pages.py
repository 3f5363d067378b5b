"""Reading a response as a person reads the page."""

import re
from html import unescape


def text_of(response):
    """The page's text with tags removed and whitespace collapsed, as a reader sees it."""
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
