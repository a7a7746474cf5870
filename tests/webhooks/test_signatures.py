"""Signature checks in isolation: sign, verify, and each way a request is refused."""
import pytest

from app.errors import BadSignature, Replayed, StaleSignature
from app.services.signatures import sign, verify

SECRET, NOW, WINDOW = "whsec_test", 1_800_000_000, 300
BODY = b'{"a": 1}'


def never_seen(_signature: str, _ttl: int) -> bool:
    return False


def test_a_signature_over_the_exact_body_and_a_fresh_timestamp_passes():
    verify(SECRET, sign(SECRET, NOW, BODY), BODY, NOW + 10, WINDOW, never_seen)


@pytest.mark.parametrize("header", [None, "", "v1=abc", "t=1800000000", "t=x,v1=abc",
                                    sign("other", NOW, BODY), sign(SECRET, NOW, BODY + b" ")])
def test_missing_malformed_or_wrong_signatures_are_bad(header):
    body = BODY
    with pytest.raises(BadSignature):
        verify(SECRET, header, body, NOW, WINDOW, never_seen)


def test_a_body_changed_by_one_byte_is_bad():
    with pytest.raises(BadSignature):
        verify(SECRET, sign(SECRET, NOW, BODY), b'{"a": 2}', NOW, WINDOW, never_seen)


@pytest.mark.parametrize("skew", [WINDOW + 1, -(WINDOW + 1)])
def test_timestamps_outside_the_window_are_stale(skew):
    with pytest.raises(StaleSignature):
        verify(SECRET, sign(SECRET, NOW, BODY), BODY, NOW + skew, WINDOW, never_seen)


def test_a_second_use_of_a_signature_is_a_replay_remembered_for_twice_the_window():
    seen: dict[str, int] = {}

    def remember(signature: str, ttl: int) -> bool:
        known = signature in seen
        seen.setdefault(signature, ttl)
        return known
    header = sign(SECRET, NOW, BODY)
    verify(SECRET, header, BODY, NOW, WINDOW, remember)
    with pytest.raises(Replayed):
        verify(SECRET, header, BODY, NOW, WINDOW, remember)
    assert list(seen.values()) == [2 * WINDOW]


def test_one_matching_signature_among_several_is_enough():
    good = sign(SECRET, NOW, BODY).split(",")[1]
    verify(SECRET, f"t={NOW},v1=deadbeef,{good}", BODY, NOW, WINDOW, never_seen)
