from __future__ import annotations

import time

from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext


class DefaultLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose English in the language menu.

    Station computers often run English-language browsers; the browser's
    Accept-Language must not switch the application away from Chinese. Only
    the language cookie set by the menu (``set_language``) does.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` with every response (Django 5.2 has none built in).

    The pages run only scripts and styles served from our own static files:
    no inline script, no inline event handler, no style attribute. With DEBUG
    on, Django's own error pages (inline styles and scripts) are left without
    the header so they stay readable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if not policy or "Content-Security-Policy" in response:
            return response
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        response["Content-Security-Policy"] = policy
        return response


SESSION_REFRESHED_KEY = "_refreshed_at"


def mark_session_refreshed(sender, request, user, **kwargs):
    """Signing in saves the session: it counts as its first refresh (``user_logged_in`` receiver)."""
    if getattr(request, "session", None) is not None:
        request.session[SESSION_REFRESHED_KEY] = int(time.time())


class SessionIdleRefreshMiddleware:
    """Keep a signed-in session alive while it is used, writing it at most once a minute.

    A session ends ``SESSION_COOKIE_AGE`` seconds after its last save. Saving it on every request
    (``SESSION_SAVE_EVERY_REQUEST``) made each page an UPDATE of the session row; saving it when its last
    save is older than ``SESSION_REFRESH_AFTER`` seconds keeps the same idle timeout, give or take that
    minute. Placed after the authentication middleware, so it sees the user, and runs before the session
    middleware saves on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or session.modified or not getattr(user, "is_authenticated", False):
            return response
        now = int(time.time())
        refreshed = session.get(SESSION_REFRESHED_KEY)
        if not isinstance(refreshed, int) or now - refreshed >= settings.SESSION_REFRESH_AFTER:
            session[SESSION_REFRESHED_KEY] = now
        return response


class RefuseNulMiddleware:
    """Answer 400, with a message, to a request whose parameters hold a NUL character.

    PostgreSQL cannot store or compare text holding NUL (U+0000) and no field
    of ours means one, so a search box, a filter or a posted field holding it
    is refused here, once for every page, instead of failing deep inside a
    query. Uploaded files are not parameters and are not looked at.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
            raise BadRequest(gettext(
                "The request holds a NUL character (U+0000), which no field accepts. "
                "Remove it (it often comes from text pasted out of a PDF) and try again."))
        return self.get_response(request)


def _holds_nul(params) -> bool:
    return any("\x00" in key or any("\x00" in value for value in params.getlist(key)) for key in params)
