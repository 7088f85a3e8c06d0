"""A cohort of independent solutions to one small ticket, and a copy of one of them.

The ticket: add ``parse_duration("1h30m") -> 5400`` and ``format_duration(5400) -> "1h30m"`` to the
greeter package. Each honest solution is written differently, as people do: regexes, a character
loop, a table of units, divmod chains, string partitions. The copy takes ``careful`` and renames
every variable and function argument, swaps the two functions and rewords nothing else.
"""

from __future__ import annotations

HONEST = {
    "ada": '''\
import re

_PART = re.compile(r"(\\d+)([hms])")
_SECONDS = {"h": 3600, "m": 60, "s": 1}


def parse_duration(text):
    """Seconds in a duration such as 1h30m."""
    text = text.strip().lower()
    if not text or _PART.sub("", text):
        raise ValueError(f"not a duration: {text!r}")
    return sum(int(n) * _SECONDS[u] for n, u in _PART.findall(text))


def format_duration(seconds):
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    out = ""
    if hours:
        out += f"{hours}h"
    if minutes:
        out += f"{minutes}m"
    if secs or not out:
        out += f"{secs}s"
    return out
''',
    "brook": """\
UNITS = (("h", 3600), ("m", 60), ("s", 1))


def format_duration(total):
    if total < 0:
        raise ValueError("negative duration")
    pieces = []
    for letter, size in UNITS:
        amount = total // size
        total -= amount * size
        if amount:
            pieces.append(str(amount) + letter)
    return "".join(pieces) or "0s"


def parse_duration(value):
    number = ""
    result = 0
    for char in value.replace(" ", ""):
        if char.isdigit():
            number += char
            continue
        factor = dict(UNITS).get(char.lower())
        if factor is None or number == "":
            raise ValueError("bad duration " + repr(value))
        result += int(number) * factor
        number = ""
    if number:
        raise ValueError("missing unit in " + repr(value))
    return result
""",
    "careful": '''\
class DurationError(ValueError):
    """A text that is not a duration."""


def parse_duration(raw):
    remaining = raw.strip()
    seconds = 0
    seen = set()
    for unit, weight in (("h", 3600), ("m", 60), ("s", 1)):
        head, sep, tail = remaining.partition(unit)
        if not sep:
            continue
        if not head.isdigit() or unit in seen:
            raise DurationError(raw)
        seen.add(unit)
        seconds += int(head) * weight
        remaining = tail
    if remaining:
        raise DurationError(raw)
    return seconds


def format_duration(seconds):
    if seconds == 0:
        return "0s"
    hours = seconds // 3600
    minutes = (seconds % 3600) // 60
    left = seconds % 60
    return "".join(
        f"{count}{unit}" for count, unit in ((hours, "h"), (minutes, "m"), (left, "s")) if count
    )
''',
    "dana": """\
from datetime import timedelta
import re

PATTERN = re.compile(r"^(?:(?P<h>\\d+)h)?(?:(?P<m>\\d+)m)?(?:(?P<s>\\d+)s)?$")


def parse_duration(s: str) -> int:
    match = PATTERN.fullmatch(s.strip())
    if match is None or not any(match.groupdict().values()):
        raise ValueError(s)
    parts = {key: int(val or 0) for key, val in match.groupdict().items()}
    return int(timedelta(hours=parts["h"], minutes=parts["m"], seconds=parts["s"]).total_seconds())


def format_duration(n: int) -> str:
    td = timedelta(seconds=n)
    h = td.days * 24 + td.seconds // 3600
    m = td.seconds % 3600 // 60
    sec = td.seconds % 60
    return (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{sec}s" if sec or n == 0 else "")
""",
    "emil": """\
def _units():
    yield "h", 60 * 60
    yield "m", 60
    yield "s", 1


def format_duration(value):
    text = []
    for name, width in _units():
        count, value = value // width, value % width
        if count > 0:
            text.append("%d%s" % (count, name))
    return "".join(text) if text else "0s"


def parse_duration(text):
    import re

    tokens = re.split(r"([hms])", text.strip())
    if tokens[-1] != "":
        raise ValueError("duration must end with a unit: %r" % text)
    widths = dict(_units())
    total = 0
    for digits, name in zip(tokens[0::2], tokens[1::2]):
        if not digits.isdigit():
            raise ValueError("not a number before %s in %r" % (name, text))
        total = total + int(digits) * widths[name]
    return total
""",
}

COPY_OF_CAREFUL = '''\
def format_duration(total_secs):
    if total_secs == 0:
        return "0s"
    hrs = total_secs // 3600
    mins = (total_secs % 3600) // 60
    rest = total_secs % 60
    return "".join(
        f"{n}{u}" for n, u in ((hrs, "h"), (mins, "m"), (rest, "s")) if n
    )


class BadDuration(ValueError):
    """A text that is not a duration."""


def parse_duration(source):
    todo = source.strip()
    total = 0
    used = set()
    for letter, factor in (("h", 3600), ("m", 60), ("s", 1)):
        before, found, after = todo.partition(letter)
        if not found:
            continue
        if not before.isdigit() or letter in used:
            raise BadDuration(source)
        used.add(letter)
        total += int(before) * factor
        todo = after
    if todo:
        raise BadDuration(source)
    return total
'''

REVIEWS = {
    "ada": "## Findings\n- src/greeter/loud.py:4-6 [correctness] shout keeps the spaces around a "
    "name, so the greeting reads oddly; I strip it before greeting.\n",
    "brook": "## Findings\n- src/greeter/loud.py:5-6 [correctness] Names with leading or trailing "
    "whitespace come out padded inside the shout.\n",
    "careful": "## Findings\n- src/greeter/loud.py:4-6 [correctness] The assistant's shout() "
    "forwards untrimmed input to greet(), which then upper-cases the padding as well; trimmed.\n",
    "dana": "## Findings\n- src/greeter/loud.py:6 [correctness] whitespace not removed from name "
    "in shout\n",
    "emil": "## Findings\n- src/greeter/loud.py:4-6 [correctness] Untrimmed names: ' bob ' shouts "
    "as 'HELLO,  BOB !'. Added a strip and a test for it.\n",
}
