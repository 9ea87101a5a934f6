"""Whether an account someone has seen is one of the trust's: the check on the public
register.

People paste an address or type a handle. An address names its platform, so it matches
only the account at that address. A handle alone does not: the same handle can be the
trust's on one platform and an impostor's on another, so a match says on which platforms
it is the trust's. Impostors copy a name and change a letter, so an account is official
only on an exact match, never a near one; near ones are listed as similar, to compare.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from accounts_requests.models import Platform
from accounts_requests.models.platform import platform_of_host

LONGEST = 200
SIMILAR_SHOWN = 10
# A handle this short is held by too many words to say an account is like it.
SHORTEST_HELD = 4
# Path parts that come before the account's own name in some platforms' addresses. They
# say what kind of page it is, and pages of different kinds may share a name: LinkedIn's
# /in/riverside-nhs is a person's profile, /company/riverside-nhs an organisation's page;
# YouTube's /user/RiversideNHS is not always the channel at /@RiversideNHS.
_PREFIXES = frozenset(
    {"company", "school", "showcase", "in", "profile", "c", "user", "channel", "stories"}
)
# The kinds of page an organisation has, which an account known only by its handle may be
# at; a person's profile is never taken for it.
_ORGANISATION_PAGES = frozenset({(), ("company",), ("showcase",), ("school",)})
# Path parts that begin the address of a post, a video or a platform's own page, which do
# not name the account behind them: Instagram's /p/..., Facebook's /share/..., YouTube's
# /watch?v=... and the like.
_CONTENT = frozenset(
    {
        "p", "reel", "reels", "tv", "watch", "shorts", "live", "share", "sharer.php",
        "story.php", "permalink.php", "photo", "photo.php", "photos", "video", "videos",
        "posts", "groups", "events", "hashtag", "explore", "search", "results", "i",
        "feed", "embed", "playlist", "t",
    }
)  # fmt: skip
# Hosts whose every address is a post, a video or a short link to one.
_CONTENT_HOSTS = frozenset(
    {"youtu.be", "fb.watch", "fb.me", "vm.tiktok.com", "vt.tiktok.com", "t.co", "lnkd.in"}
)
_PAGE_HOSTS = ("www.", "m.", "mobile.")
_DOMAIN_FIRST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+(/|$)", re.IGNORECASE)


@dataclass
class Check:
    asked: str
    # The platform an address given is on; None for a handle or name, or another site.
    platform: str | None = None
    is_address: bool = False
    # An address of a post or a video, which does not say whose it is.
    is_content: bool = False
    # The name such an address shows a post under, which proves nothing.
    named: str = ""
    official: list = field(default_factory=list)
    similar: list = field(default_factory=list)

    @property
    def is_name(self):
        """A name typed (words), not a handle or an address: names are not unique."""
        return not self.is_address and " " in self.asked

    @property
    def platform_label(self):
        return Platform(self.platform).label if self.platform else ""

    @property
    def official_platforms(self):
        """The platforms of the accounts found, in words: "Instagram, X and YouTube"."""
        names = sorted({account.get_platform_display() for account in self.official})
        return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _bare_host(host):
    host = host.lower().rstrip(".")
    for prefix in _PAGE_HOSTS:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def _path_parts(path):
    """(the prefixes, the account's own name, what follows the name) of an address's path:
    ``/company/riverside-nhs/posts`` is (["company"], "riverside-nhs", ["posts"])."""
    parts = [part for part in path.split("/") if part]
    prefixes = []
    while parts and parts[0].lower() in _PREFIXES and len(parts) > 1:
        prefixes.append(parts.pop(0).lower())
    return prefixes, (parts[0] if parts else ""), parts[1:]


def _name_in_path(path):
    """(the kind of page, the account's own name) in an address's path: ``/@RiversideNHS``
    is ((), "riversidenhs"), ``/company/riverside-nhs`` (("company",), "riverside-nhs");
    the name is '' when there is none."""
    prefixes, name, _ = _path_parts(path)
    if not name or name.lower().endswith(".php"):  # a page by its number: no name
        return (), ""
    # An account's stories are under its own name, whatever kind of page it is.
    return tuple(prefix for prefix in prefixes if prefix != "stories"), _plain(name)


def _content(path):
    """Whether a platform's address is a post, a video or another page that does not say
    whose it is: "named" for a post shown under a name, "unnamed" for the others, and ""
    for an account's own page.

    A post under a name (``/RiversideNHS/status/1789``, ``/riversidenhs/p/C1a2/``,
    ``/stories/riversidenhs/123``) is as unsure as one without: X, for one, opens any post
    under whatever name the address gives, so an impostor's post can be linked under ours.
    One word after the name is a tab of the account's own page (``/@RiversideNHS/videos``).
    """
    prefixes, name, rest = _path_parts(path.lower())
    if not name:
        return ""
    if not prefixes and name in _CONTENT:
        return "unnamed"
    return "named" if len(rest) > 1 or ("stories" in prefixes and rest) else ""


def _plain(handle):
    return handle.strip().lstrip("@").lower()


def looks_like_address(text):
    """Whether ``text`` is a web address: a scheme, or a domain name and a path. A domain
    name alone is a handle on Bluesky (``riverside.bsky.social``)."""
    return "://" in text or (_DOMAIN_FIRST.match(text) is not None and "/" in text)


def _address(text):
    """(bare host, the account's name in the path, the whole page, the kind of page) of
    an address, or None. The whole page (path and query) tells apart addresses with no
    name in them, such as Facebook's ``profile.php?id=...``."""
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host = _bare_host(parts.hostname or "")
    except ValueError:  # not an address after all, such as a broken [IPv6] host
        return None
    if not host:
        return None
    path = parts.path.rstrip("/").lower()
    number = parse_qs(parts.query).get("id", [""])[0]
    # What a share button adds (?igsh=..., ?si=...) changes nothing; a page known only by
    # its number is that number.
    page = f"{path}?id={number}" if path.endswith(".php") and number else path
    kind, name = _name_in_path(parts.path)
    return host, name, page, kind


def _account_address(account):
    """(its name, its whole page, the kind of page) as the account's address gives them
    ('' and () without one)."""
    found = _address(account.url) if account.url else None
    return found[1:] if found else ("", "", ())


def check(text, accounts):
    """What the public register says about ``text`` (an address, a handle or a name) among
    ``accounts`` (the live official ones)."""
    asked = " ".join(text.split())[:LONGEST]
    result = Check(asked=asked)
    if not asked:
        return result
    if looks_like_address(asked):
        result.is_address = True
        found = _address(asked)
        if found is None:
            return result
        host, name, page, kind = found
        result.platform = platform_of_host(host)
        content = "unnamed" if host in _CONTENT_HOSTS else ""
        if result.platform is not None and not content:
            content = _content(page.split("?")[0])
        if content:
            result.is_content = True
            result.named = name if content == "named" else ""
            return result
        if result.platform is not None:
            result.official = [
                account
                for account in accounts
                if account.platform == result.platform and _at(account, name, page, kind)
            ]
        # On another site too, ours with a name like the one in the address, to compare.
        term = name
        if not term:
            return result
    else:
        term = _plain(asked)
        if not term:
            return result
        result.official = [
            account
            for account in accounts
            if term in {_plain(account.handle), _account_address(account)[0]} - {""}
        ]
    result.similar = [
        account for account in accounts if account not in result.official and _alike(term, account)
    ][:SIMILAR_SHOWN]
    return result


def _at(account, name, page, kind):
    """Whether an address for ``page``, with ``name`` in it on a page of ``kind``, is the
    account's. A name matches only on a page of the same kind as the account's own
    address; an account known only by its handle is an organisation's page, never a
    person's profile that shares its name."""
    own_name, own_page, own_kind = _account_address(account)
    if own_page and page == own_page:
        return True
    if not name or name not in {_plain(account.handle), own_name}:
        return False
    return kind == own_kind if own_page else kind in _ORGANISATION_PAGES


def _alike(term, account):
    """Whether the account's handle or name holds ``term``, or ``term`` holds its handle (an
    impostor's ``RiversideNHS_Help`` holds the trust's ``RiversideNHS``)."""
    handle = _plain(account.handle)
    return (
        term in handle
        or term in account.name.lower()
        or (len(handle) >= SHORTEST_HELD and handle in term)
    )
