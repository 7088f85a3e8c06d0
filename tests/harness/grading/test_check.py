"""``scenario check`` proves a scenario sound by grading its reference and its AI change."""

from __future__ import annotations

import json

import pytest

from harness.backends import get_backend
from harness.grading.check import check
from harness.grading.pipeline import image_for
from harness.scenarios.scenario import LOCK, load


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
