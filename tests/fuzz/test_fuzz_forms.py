"""Every page and form of the site, fed garbage: never a 500, and a refused POST changes nothing.

The forms are discovered, not listed: each URL of ``routes.ROUTES`` is opened
as its user and every ``<form>`` on the page is read (method, action, its
fields and the values its selects and checkboxes offer). Each URL then gets
hypothesis-made requests: GET query parameters from the filter forms aimed
at it, POST fields from the forms aimed at it, and a few names every page
might read (``next``, ``page``, ``q`` …), each value either one the page
offers or garbage: text with NUL, huge and negative numbers, NaN and
Infinity, impossible dates, other scripts, overlong strings, ids that are
no number. A request that answers 4xx, queues an error message or re-renders
a form with errors was refused, and then no row of any table may have been
added or removed and no history written. Every example runs in a savepoint
rolled back after it, so each starts from the same demo.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.messages import constants as message_levels
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms import BaseForm
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import SEED
from tests.fuzz.routes import ROUTES, url_names

pytestmark = pytest.mark.django_db

# Names a page may read besides its forms' fields.
COMMON_NAMES = ["next", "page", "q", "sort", "status", "format", "campaign", "fund", "kind", "year", "id", "table"]

# Tables whose rows a refused request may still write: sessions, and django-axes' record of failed logins.
UNCOUNTED_PREFIXES = ("django_session", "axes_")

GARBAGE_WORDS = [
    "", " ", "abc", "0", "-1", "-0.01", "1e-7", "1.5", "NaN", "-NaN", "sNaN", "nan", "Infinity", "-Infinity",
    "inf", "1e999999", "-1e999999", "99999999999999999999", "9" * 40, "2147483648", "-2147483649",
    "9223372036854775808", "2022-02-30", "2022-13-01", "0000-00-00", "9999-12-31", "99999-01-01",
    "1900-01-01", "1970-01-01T00:00:00", "2022/05/01", "２０２２-０５-０１", "１２３", "٣٤٥", "𝟗𝟗",
    "张\x00三", "\x00", "a\x00", "../../etc/passwd", "<script>alert(1)</script>", "=1+1", "@SUM(A1)",
    "'; DROP TABLE x; --", "%00", "%", "_", "\\", "\u202e", "\ufeff", "🙂", "true", "on", "None", "null",
    "[]", "{}", "x" * 5000,
]


def _garbage():
    return st.one_of(
        st.sampled_from(GARBAGE_WORDS),
        st.text(max_size=40),
        st.text(min_size=101, max_size=600),
        st.integers(min_value=-(2 ** 80), max_value=2 ** 80).map(str),
        st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
        st.floats().map(repr),
        st.dates().map(str),
        st.builds(lambda text: text + "\x00", st.text(max_size=10)),
    )


# --- reading the forms of a page ------------------------------------------------------------------

@dataclass
class Form:
    method: str
    action: str                                            # a path, with its query string if it has one
    fields: dict[str, list[str]] = field(default_factory=dict)   # name -> the values the page offers
    files: set[str] = field(default_factory=set)


class _FormReader(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            self._form = Form(method=(attrs.get("method") or "get").lower(), action=action)
            self.forms.append(self._form)
            return
        if tag == "a" and "?" in (attrs.get("href") or ""):
            # A link with a query (a sort, a page, a table to download) is a GET form of its own.
            href = urljoin(self.page_url, attrs["href"])
            link = Form(method="get", action=href)
            for key, value in parse_qsl(urlsplit(href).query, keep_blank_values=True):
                link.fields.setdefault(key, []).append(value)
            self.forms.append(link)
            return
        form = self._form
        if form is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if name == "csrfmiddlewaretoken":
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                form.files.add(name)
                return
            if kind in ("submit", "button", "image", "reset") and attrs.get("value") is None:
                return
            values = form.fields.setdefault(name, [])
            if attrs.get("value") is not None:
                values.append(attrs["value"])
        elif tag == "select":
            self._select = name
            form.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            form.fields[self._select].append(attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            form.fields.setdefault(name, [])
        elif tag == "button" and attrs.get("value") is not None:
            form.fields.setdefault(name, []).append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None and data.strip():
            self._form.fields[self._textarea].append(data.strip())


def _view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def _user(username):
    return get_user_model().objects.get(username=username) if username else None


def _client(username) -> Client:
    client = Client()
    user = _user(username)
    if user is not None:
        client.force_login(user)
    return client


def _path(name: str) -> str:
    route = ROUTES[name]
    return reverse(name, kwargs=route.kwargs(_user(route.user)) if route.user else route.kwargs(None))


def _read(response) -> bytes:
    if getattr(response, "streaming", False):
        # The client's wrapper closes the response once consumed (without closing the connection).
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture(scope="module")
def site_forms(demo_world, django_db_blocker) -> dict[str, list[tuple[str | None, Form]]]:
    """Every form on every page, keyed by the URL name it is sent to, with the user who saw it."""
    found: dict[str, list[tuple[str | None, Form]]] = {}
    seen: set[tuple] = set()
    with django_db_blocker.unblock():
        for name in sorted(ROUTES):
            route = ROUTES[name]
            with transaction.atomic():
                path = _path(name)
                response = _client(route.user).get(path)
                transaction.set_rollback(True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                _read(response)
                continue
            reader = _FormReader("http://testserver" + path)
            reader.feed(_read(response).decode())
            for form in reader.forms:
                parts = urlsplit(form.action)
                if parts.netloc not in ("", "testserver"):
                    continue
                form.action = parts.path + (f"?{parts.query}" if parts.query else "")
                target = _view_name(form.action)
                key = (form.method, form.action, tuple(sorted(form.fields)))
                if target in ROUTES and key not in seen:
                    seen.add(key)
                    found.setdefault(target, []).append((route.user, form))
    return found


# --- what a refused request must leave alone --------------------------------------------------------

def _counted_tables() -> list[str]:
    tables = sorted({model._meta.db_table for model in apps.get_models()
                     if model._meta.managed and not model._meta.proxy})
    return [table for table in tables if not table.startswith(UNCOUNTED_PREFIXES)]


def _row_counts(tables) -> tuple[int, ...]:
    quoted = ", ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted}")
        return cursor.fetchone()


def _refused(response) -> bool:
    if response.status_code >= 400:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    if storage is not None and any(m.level >= message_levels.ERROR for m in storage._queued_messages):
        return True
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, BaseForm) and value.is_bound and value.errors:
                return True
    return False


# --- the tests ------------------------------------------------------------------------------------------

def test_every_url_has_a_route():
    """A new URL without an entry in ROUTES fails here, so it cannot escape the fuzzing."""
    names = url_names()
    assert sorted(names - set(ROUTES)) == [], "add these URLs to tests/fuzz/routes.py"
    assert sorted(set(ROUTES) - names) == [], "these routes name no URL any more"


def test_every_route_opens_for_its_user(demo_world, site_forms):
    """The table is right: each page that answers GET opens for its user (else the fuzz would stay at the door)."""
    wrong = {}
    for name in sorted(ROUTES):
        with transaction.atomic():
            response = _client(ROUTES[name].user).get(_path(name))
            _read(response)
            transaction.set_rollback(True)
        if response.status_code in (403, 404, 500) and response.status_code != ROUTES[name].bare:
            wrong[name] = response.status_code
    assert wrong == {}
    assert len(site_forms) > 40


FILE_NAMES = ["list.xlsx", "x.html", "a.pdf", "scan.jpg", "..\\..\\boot.ini", "名单.xlsx", ".xlsx", "a" * 300 + ".xlsx"]
FILE_CONTENTS = [b"", b"PK\x03\x04garbage", b"%PDF-1.4\n%garbage", b"\xff\xd8\xff\xe0" + b"\x00" * 16,
                 b"<html><script>alert(1)</script></html>", b"\x00" * 64]


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_garbage_never_breaks_a_page(name, demo_world, site_forms):
    route = ROUTES[name]
    client = _client(route.user)
    own_path = _path(name)
    forms = [form for _user_name, form in site_forms.get(name, [])]
    get_forms = [form for form in forms if form.method == "get"] or [Form("get", own_path)]
    post_forms = [form for form in forms if form.method == "post"] or [Form("post", own_path)]
    tables = _counted_tables()

    def values_for(form: Form):
        names = list(form.fields) + [n for n in COMMON_NAMES if n not in form.fields]
        # Query parameters already in the action (a form posting to "?step=…") stay, unless fuzzed.
        base = dict(parse_qsl(urlsplit(form.action).query, keep_blank_values=True))

        def one(field_name):
            offered = [v for v in form.fields.get(field_name, []) if v is not None]
            choices = [_garbage()]
            if offered:
                choices.insert(0, st.sampled_from(offered))
                choices.append(st.lists(st.sampled_from(offered + GARBAGE_WORDS[:20]), min_size=1, max_size=3))
            return st.one_of(*choices)

        return st.fixed_dictionaries({}, optional={n: one(n) for n in names}).map(
            lambda fuzzed: {**{k: v for k, v in base.items() if k not in fuzzed}, **fuzzed})

    files = st.fixed_dictionaries({}, optional={
        n: st.builds(lambda file_name, content: SimpleUploadedFile(file_name, content),
                     st.sampled_from(FILE_NAMES), st.one_of(st.sampled_from(FILE_CONTENTS), st.binary(max_size=200)))
        for form in post_forms for n in form.files})

    request = st.one_of(
        st.tuples(st.just("get"), st.sampled_from(get_forms)),
        st.tuples(st.just("post"), st.sampled_from(post_forms)),
    )

    @settings(settings.get_profile("reliefdesk-fuzz"))
    @given(data=st.data())
    def run(data):
        method, form = data.draw(request, label="form")
        params = data.draw(values_for(form), label="fields")
        path = urlsplit(form.action).path
        with transaction.atomic():
            before = _row_counts(tables) if method == "post" else None
            if method == "get":
                response = client.get(path, params)
            else:
                uploads = data.draw(files, label="files") if form.files else {}
                response = client.post(path, {**params, **uploads})
            _read(response)
            assert response.status_code < 500, f"{method.upper()} {path} {params!r}"
            if method == "post" and _refused(response):
                after = _row_counts(tables)
                changed = {table: (b, a) for table, b, a in zip(tables, before, after) if b != a}
                assert changed == {}, f"a refused POST {path} {params!r} changed {changed}"
            transaction.set_rollback(True)

    (seed(int(SEED))(run) if SEED else run)()

