"""Our cavage signatures against the draft's own test vectors (draft-cavage-http-signatures-12,
Appendix C), taken from the draft's text and not produced by our code."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from parvis.federation.signatures import (
    SignatureInvalid,
    digest_header,
    public_key_load,
    sign_headers,
    signature_parse,
    signature_verify,
)

PRIVATE_PEM = b"""-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----"""
PUBLIC_PEM = """-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----"""
BODY = b'{"hello": "world"}'
HEADERS = {
    "host": "example.com",
    "date": "Sun, 05 Jan 2014 21:31:40 GMT",
    "content-type": "application/json",
    "digest": "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
    "content-length": "18",
}
PATH = "/foo?param=value&pet=dog"
C1 = (
    'keyId="Test",algorithm="rsa-sha256",signature="SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7'
    "Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9Su"
    'S13F0hZ8FD0k/5OxEPXe5WozsbM="'
)
C2 = (
    'keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",signature="qdx+H7P'
    "HHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+e"
    'fkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="'
)
C3 = (
    'keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date content-type digest '
    'content-length",signature="vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MF'
    "HB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4z"
    'KH7s1dE="'
)


def test_the_draft_body_digest_is_what_we_compute():
    assert digest_header(BODY) == HEADERS["digest"]


@pytest.mark.parametrize("header", [C1, C2, C3], ids=["C.1 default", "C.2 basic", "C.3 all"])
def test_the_draft_signatures_verify(header):
    params = signature_parse(header)
    signature_verify(
        params=params,
        method="POST",
        path=PATH,
        headers=HEADERS,
        public_key=public_key_load(PUBLIC_PEM),
    )


@pytest.mark.parametrize("header", [C2, C3], ids=["C.2 basic", "C.3 all"])
def test_a_changed_path_or_header_breaks_the_draft_signatures(header):
    params = signature_parse(header)
    key = public_key_load(PUBLIC_PEM)
    with pytest.raises(SignatureInvalid):
        signature_verify(params=params, method="POST", path="/foo", headers=HEADERS, public_key=key)
    with pytest.raises(SignatureInvalid):
        signature_verify(
            params=params,
            method="POST",
            path=PATH,
            headers={**HEADERS, "date": "Sun, 05 Jan 2014 21:31:41 GMT"},
            public_key=key,
        )


def test_signing_with_the_draft_key_reproduces_the_basic_signature():
    # RSASSA-PKCS1-v1_5 is deterministic: same key, same text, same signature as the draft.
    key = serialization.load_pem_private_key(PRIVATE_PEM, password=None)
    headers = sign_headers(
        method="POST",
        path=PATH,
        host="example.com",
        body=None,
        key_id="Test",
        private_key=key,
        date=HEADERS["date"],
    )
    assert signature_parse(headers["Signature"]).signature == signature_parse(C2).signature


def test_a_signed_post_covers_the_digest_of_its_body():
    key = serialization.load_pem_private_key(PRIVATE_PEM, password=None)
    headers = sign_headers(
        method="POST", path=PATH, host="example.com", body=BODY, key_id="Test", private_key=key
    )
    params = signature_parse(headers["Signature"])
    assert params.headers == ("(request-target)", "host", "date", "digest")
    assert headers["Digest"] == HEADERS["digest"]
    lower = {k.lower(): v for k, v in headers.items()}
    signature_verify(
        params=params,
        method="POST",
        path=PATH,
        headers=lower,
        public_key=public_key_load(PUBLIC_PEM),
    )


@pytest.mark.parametrize(
    "header",
    ['keyId="Test"', 'signature="abc"', "garbage", 'keyId="a",signature="not base64!"'],
)
def test_a_malformed_signature_header_is_refused(header):
    with pytest.raises(SignatureInvalid):
        signature_parse(header)
