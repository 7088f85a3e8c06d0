from sessionstore.cookies import clear_session_cookie, session_cookie, token_from_cookie_header
from sessionstore.settings import COOKIE_NAME


def test_session_cookie_is_http_only_and_secure():
    header = session_cookie("abc.def")
    assert header.startswith(f"{COOKIE_NAME}=abc.def;")
    assert "HttpOnly" in header and "Secure" in header and "SameSite=Lax" in header


def test_insecure_cookie_for_local_development():
    assert "Secure" not in session_cookie("abc.def", secure=False)


def test_token_is_read_back_from_cookie_header():
    assert token_from_cookie_header(f"theme=dark; {COOKIE_NAME}=abc.def") == "abc.def"
    assert token_from_cookie_header("theme=dark") is None
    assert token_from_cookie_header(None) is None


def test_clear_cookie_expires_immediately():
    assert "Max-Age=0" in clear_session_cookie()
