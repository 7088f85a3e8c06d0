"""``scenario check`` proves a scenario sound by grading its reference and its AI change."""

from __future__ import annotations

import json

import pytest

from harness.backends import get_backend
from harness.grading.check import check
from harness.grading.pipeline import image_for
from harness.scenarios import materialize, patches
from harness.scenarios.scenario import LOCK, load
from harness.scenarios.variants import draw


@pytest.mark.docker
def test_a_sound_scenario_passes_and_its_lock_names_every_test(demo, base_image):
    backend = get_backend("docker")
    image, python = image_for(demo, backend)
    report = check(demo, backend, runs=2, image=image, python=python)
    assert report.ok, report.rows
    lock = json.loads((demo.path / LOCK).read_text())
    assert lock["tests"] == report.tests
    assert "hidden/test_loud.py::test_shout_ignores_surrounding_spaces" in lock["tests"]


@pytest.mark.docker
def test_a_reference_that_does_not_fix_the_flaw_fails_the_check_and_writes_no_lock(
    demo, base_image
):
    (demo.path / "reference" / "fix.patch").write_text("")
    broken = load(demo.path)
    backend = get_backend("docker")
    image, python = image_for(broken, backend)
    report = check(broken, backend, runs=1, image=image, python=python)
    assert not report.ok
    failed = [name for name, status, _ in report.rows if status == "FAIL"]
    assert any(name.startswith("reference passes every test") for name in failed), report.rows
    assert not (demo.path / LOCK).exists()


@pytest.mark.docker
def test_a_scenario_whose_ai_flaw_is_an_infinite_loop_passes_the_check(demo, base_image):
    # The AI's shout() loops forever on a name with spaces (the seeded flaw); with a per-test
    # limit the flaw's test fails alone and the keep's test still passes on the AI change.
    values = draw(demo, 0).values
    pre, start = materialize.pre_ai_tree(demo, values), materialize.start_tree(demo, values)
    reference = materialize.reference_tree(demo, values)
    looping = (
        b"from greeter import greet\n\n\ndef shout(name):\n"
        b"    while name != name.strip():\n        pass\n"
        b'    return greet(name).upper() + "!"\n'
    )
    ai = {**start, "src/greeter/loud.py": looping}
    (demo.path / "ai" / "change.patch").write_text(patches.make(pre, ai))
    (demo.path / "reference" / "fix.patch").write_text(patches.make(ai, reference))
    manifest = demo.path / "scenario.toml"
    manifest.write_text(
        manifest.read_text().replace("[runtime]\n", "[runtime]\ntest_timeout_seconds = 2\n", 1)
    )
    looped = load(demo.path)
    backend = get_backend("docker")
    image, python = image_for(looped, backend)
    report = check(looped, backend, runs=1, image=image, python=python)
    assert report.ok, report.rows
    assert any(
        name == "flaw untrimmed-name: the AI change fails its tests" and status == "ok"
        for name, status, _ in report.rows
    ), report.rows
