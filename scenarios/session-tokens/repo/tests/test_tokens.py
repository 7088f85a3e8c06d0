import pytest

from sessionstore import BadSignature, MalformedToken, TokenSigner

SECRET = b"k" * 32


def test_sign_then_verify_round_trips():
    signer = TokenSigner(SECRET)
    assert signer.verify(signer.sign({"sid": "abc", "uid": "u1"})) == {"sid": "abc", "uid": "u1"}


def test_tampered_payload_is_rejected():
    signer = TokenSigner(SECRET)
    token = signer.sign({"uid": "u1"})
    forged = TokenSigner(SECRET).sign({"uid": "admin"}).split(".")[0] + "." + token.split(".")[1]
    with pytest.raises(BadSignature):
        signer.verify(forged)


def test_token_from_another_key_is_rejected():
    token = TokenSigner(b"x" * 32).sign({"uid": "u1"})
    with pytest.raises(BadSignature):
        TokenSigner(SECRET).verify(token)


@pytest.mark.parametrize("token", ["", "no-dot", ".sig", "body.", "é.sig"])
def test_malformed_tokens_are_rejected(token):
    with pytest.raises(MalformedToken):
        TokenSigner(SECRET).verify(token)


def test_short_secrets_are_refused():
    with pytest.raises(ValueError):
        TokenSigner(b"short")
