"""What a submission may carry (limits), and one id per person at start and submit."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.config import SubmissionLimits
from harness.errors import ExitCode, InvalidInput
from harness.scenarios import materialize, patches
from harness.scenarios.scenario import library
from harness.scenarios.variants import all_variants, default_seed, draw
from harness.store import near_duplicates, normalise_candidate
from harness.workspace.start import start
from harness.workspace.submit import hand_in, hand_in_workspace

LOUD = "src/greeter/loud.py"
TINY = SubmissionLimits(diff_kb=1, file_kb=1, review_kb=1, files=1)


def new_file(path: str, size: int) -> str:
    body = "".join("+" + "x" * 79 + "\n" for _ in range(size // 80))
    return (
        f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
        f"@@ -0,0 +1,{size // 80} @@\n{body}"
    )


def test_a_submission_over_every_limit_is_refused_with_the_numbers_in_one_line(demo, store):
    diff = new_file("src/greeter/big.py", 2000) + new_file("src/greeter/more.py", 400)
    with pytest.raises(InvalidInput) as err:
        hand_in(
            store,
            demo,
            candidate="ada",
            diff=diff,
            review_text="r" * 1500,
            source="patch",
            limits=TINY,
        )
    message = err.value.message
    assert "\n" not in message and err.value.exit_code == ExitCode.INVALID_INPUT
    assert "the diff is 2.6 KB (limit 1 KB" in message
    assert "it touches 2 files (limit 1" in message
    assert "new file src/greeter/big.py is 2.0 KB (limit 1 KB" in message
    assert "REVIEW.md is 1.5 KB (limit 1 KB" in message
    assert "more.py" not in message  # under the per-file limit
    assert store.submissions() == []


def test_a_workspace_over_a_limit_stores_nothing(demo, store, tmp_path):
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    (ws / "src" / "greeter" / "big.py").write_text("x = 1\n" * 400)
    with pytest.raises(InvalidInput, match="new file src/greeter/big.py is 2.3 KB"):
        hand_in_workspace(store, ws, limits=TINY)
    assert store.submissions() == []


def test_limits_come_from_the_environment_and_bad_values_are_refused():
    assert SubmissionLimits.from_env({}) == SubmissionLimits(
        diff_kb=1024, file_kb=256, review_kb=64, files=200
    )
    assert SubmissionLimits.from_env({"DSIM_MAX_FILES": "12"}).files == 12
    with pytest.raises(ValueError, match="DSIM_MAX_DIFF_KB='big' must be a positive"):
        SubmissionLimits.from_env({"DSIM_MAX_DIFF_KB": "big", "DSIM_MAX_FILES": "0"})


def test_submit_over_a_limit_exits_3_and_says_so_in_one_line(demo, tmp_path, monkeypatch):
    patch = tmp_path / "change.patch"
    patch.write_text(new_file("src/greeter/big.py", 4000))
    monkeypatch.setenv("DSIM_MAX_FILE_KB", "2")
    args = ["--home", str(tmp_path / "home"), "submit", "--patch", str(patch)]
    args += ["--scenario", str(demo.path), "--candidate", "ada"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    [line] = [x for x in result.output.splitlines() if x.startswith("Error:")]
    assert "new file src/greeter/big.py is 3.9 KB (limit 2 KB, DSIM_MAX_FILE_KB)" in line


def test_the_default_limits_fit_every_built_in_reference_solution_tenfold():
    limits = SubmissionLimits()
    for scenario in library():
        for values in all_variants(scenario):
            diff = materialize.reference_patch(scenario, values)
            review = (scenario.path / scenario.manifest.reference.review).read_bytes()
            start_tree = materialize.start_tree(scenario, values)
            assert len(diff.encode()) * 10 < limits.diff_kb * 1024, scenario.id
            assert len(patches.parse(diff)) * 10 < limits.files, scenario.id
            assert len(review) * 10 < limits.review_kb * 1024, scenario.id
            # a rewrite of any file it has, as a new file, fits the per-file limit
            assert max(map(len, start_tree.values())) * 10 < limits.file_kb * 1024, scenario.id


def test_candidate_ids_fold_case_and_whitespace():
    assert normalise_candidate("  Ada   Lovelace ") == "ada lovelace"
    assert normalise_candidate("ADA") == normalise_candidate("ada ") == "ada"


@pytest.mark.parametrize(
    ("new", "near"),
    [("ada-lovelace", ["ada.lovelace"]), ("adah", ["ada"]), ("bo", []), ("ADA", [])],
)
def test_near_duplicates_are_punctuation_or_one_edit_apart(new, near):
    assert near_duplicates(new, ["ada", "ada.lovelace", "cy"]) == near


def test_start_stores_the_id_and_keeps_the_name_as_typed(demo, store, tmp_path):
    started = start(demo, "  Ada ", tmp_path / "ws", store)
    [row] = [store.assignment(started.assignment_id)]
    assert (row.candidate, row.candidate_name) == ("ada", "Ada")
    assert started.warnings == ()
    receipt = hand_in_workspace(store, started.workspace)
    assert (receipt.submission.candidate, receipt.submission.candidate_name) == ("ada", "Ada")


def test_a_new_candidate_near_an_existing_id_is_a_warning_not_an_error(demo, store, tmp_path):
    start(demo, "ada.lovelace", tmp_path / "one", store)
    started = start(demo, "Ada-Lovelace", tmp_path / "two", store)
    assert started.candidate == "ada-lovelace"
    [warning] = started.warnings
    assert "'ada.lovelace'" in warning and "\n" not in warning
    again = start(demo, "ADA.LOVELACE", tmp_path / "three", store)
    assert again.warnings == ()  # the same person: no warning


def test_a_patch_submitted_under_a_differently_typed_name_is_the_same_person(demo, store):
    tree = materialize.start_tree(demo, draw(demo, default_seed("ada", demo.id)).values)
    fixed = tree[LOUD].replace(b"greet(name)", b"greet(name.strip())")
    diff = patches.make(tree, {**tree, LOUD: fixed})
    first = hand_in(store, demo, candidate="ada", diff=diff, review_text="", source="patch")
    again = hand_in(store, demo, candidate=" ADA", diff=diff, review_text="", source="patch")
    assert again.duplicate and again.submission.id == first.submission.id
    assert [s.candidate for s in store.submissions(candidate="Ada")] == ["ada"]


def test_a_patch_for_a_near_duplicate_candidate_warns(demo, store):
    diff = ""
    hand_in(store, demo, candidate="ada", diff=diff, review_text="", source="patch")
    receipt = hand_in(store, demo, candidate="adah", diff=diff, review_text="", source="patch")
    assert receipt.warnings and "'ada'" in receipt.warnings[0]
