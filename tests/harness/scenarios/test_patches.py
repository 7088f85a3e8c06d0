import pytest

from harness.errors import PatchError
from harness.scenarios import patches

LINES = [f"line {n}\n" for n in range(1, 21)]
OLD = {"a.py": "".join(LINES).encode(), "gone.py": b"bye\n", "nonl.py": b"x\ny"}
NEW = {
    "a.py": "".join(LINES)
    .replace("line 2\n", "LINE 2\n")
    .replace("line 18\n", "LINE 18\n")
    .encode(),
    "new.py": b"hello\n",
    "nonl.py": b"x\nz",
}


def test_make_then_apply_round_trips_adds_deletes_and_missing_newlines():
    diff = patches.make(OLD, NEW)
    assert patches.apply(OLD, diff) == NEW
    assert patches.apply(NEW, patches.make(NEW, OLD)) == OLD


def test_a_hunk_that_does_not_match_is_named_by_file_and_number():
    diff = patches.make(OLD, NEW)
    changed = dict(OLD, **{"a.py": OLD["a.py"].replace(b"line 17\n", b"line seventeen\n")})
    with pytest.raises(PatchError) as err:
        patches.apply(changed, diff, source="change.patch")
    message = str(err.value)
    assert "change.patch: hunk 2 of a.py (@@ -15,6 +15,6 @@) does not apply" in message
    assert "line 17 is 'line seventeen', the hunk expects 'line 17'" in message


def test_hunks_apply_at_an_offset_but_never_fuzzed():
    diff = patches.make(OLD, NEW)
    shifted = dict(OLD, **{"a.py": b"zero\n" + OLD["a.py"]})
    result = patches.apply(shifted, diff)
    assert result["a.py"].startswith(b"zero\nline 1\nLINE 2\n")


def test_changing_a_missing_file_is_an_error():
    diff = patches.make({"x.py": b"a\n"}, {"x.py": b"b\n"})
    with pytest.raises(PatchError, match="changes x.py, which does not exist"):
        patches.apply({}, diff)


def test_garbage_is_not_a_diff():
    with pytest.raises(PatchError, match="no file changes|not a valid unified diff"):
        patches.parse("this is not a diff\n")


def test_parse_reports_binary_and_symlink_changes():
    text = (
        "diff --git a/img.png b/img.png\nnew file mode 100644\n"
        "Binary files /dev/null and b/img.png differ\n"
        "diff --git a/link b/link\nnew file mode 120000\n--- /dev/null\n+++ b/link\n"
        "@@ -0,0 +1 @@\n+/etc/passwd\n\\ No newline at end of file\n"
    )
    changes = {c.path: c for c in patches.parse(text)}
    assert changes["img.png"].binary
    assert changes["link"].symlink
