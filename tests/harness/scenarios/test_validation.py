from harness.scenarios.scaffold import scaffold
from harness.scenarios.validation import validate


def messages(path):
    return [str(p) for p in validate(path)]


def test_scaffolded_scenario_is_valid(tmp_path):
    assert validate(scaffold("demo-one", tmp_path / "demo-one")) == []


def test_missing_files_duplicate_ids_and_bad_graders_are_all_reported(tmp_path):
    path = scaffold("demo-one", tmp_path / "demo-one")
    (path / "reference" / "fix.patch").unlink()
    toml = (path / "scenario.toml").read_text()
    toml = toml.replace('id = "shout"', 'id = "untrimmed-name"').replace(
        "severity = 2", 'severity = 2\ngrader = "magic"'
    )
    (path / "scenario.toml").write_text(toml)
    found = messages(path)
    assert any("reference/fix.patch does not exist" in m for m in found)
    assert any("duplicate flaw/keep id 'untrimmed-name'" in m for m in found)
    assert any("unknown grader 'magic'" in m for m in found)


def test_patch_that_does_not_apply_names_the_hunk(tmp_path):
    path = scaffold("demo-one", tmp_path / "demo-one")
    (path / "repo" / "src" / "greeter" / "__init__.py").write_text("# rewritten\n")
    ref = path / "reference" / "fix.patch"
    ref.write_text(ref.read_text().replace(" def shout(name):", " def shout(nom):"))
    found = messages(path)
    assert any(
        "reference/fix.patch" in m and "hunk 1 of src/greeter/loud.py" in m for m in found
    ), found


def test_selectors_locations_and_unknown_variables(tmp_path):
    path = scaffold("demo-one", tmp_path / "demo-one")
    toml = (path / "scenario.toml").read_text()
    toml = toml.replace(
        'tests = ["hidden/test_loud.py::test_shout_is_loud"]', 'tests = ["hidden/test_nope.py"]'
    ).replace('"src/greeter/loud.py:4-6"', '"src/greeter/loud.py:4-600", "src/missing.py:1"')
    (path / "scenario.toml").write_text(toml)
    brief = path / "BRIEF.md.j2"
    brief.write_text(brief.read_text() + "{{ team_name }}\n")
    found = messages(path)
    assert any("BRIEF.md.j2" in m and "'team_name' is undefined" in m for m in found), found
    brief.write_text(brief.read_text().replace("{{ team_name }}\n", ""))
    found = messages(path)
    assert any("selector 'hidden/test_nope.py' names no file" in m for m in found), found
    assert any("loud.py:4-600' is outside the file" in m for m in found), found
    assert any("src/missing.py is not in the starting tree" in m for m in found), found


def test_five_independent_breakages_come_back_in_one_call(tmp_path):
    path = scaffold("demo-one", tmp_path / "demo-one")
    toml = (path / "scenario.toml").read_text()
    toml = (
        toml.replace('difficulty = "intro"', 'difficulty = "easy"')  # schema
        .replace('id = "shout"', 'id = "untrimmed-name"')  # duplicate id
        .replace(
            'tests = ["hidden/test_loud.py::test_shout_is_loud"]',
            'tests = ["hidden/test_nope.py"]',  # missing selector
        )
        .replace('"src/greeter/loud.py:4-6"', '"src/greeter/loud.py:4-600"')  # out of range
    )
    (path / "scenario.toml").write_text(toml)
    ref = path / "reference" / "fix.patch"  # broken patch
    ref.write_text(ref.read_text().replace(" def shout(name):", " def shout(nom):"))
    found = messages(path)
    assert any("difficulty" in m and "easy" in m for m in found), found
    assert any("duplicate flaw/keep id 'untrimmed-name'" in m for m in found), found
    assert any("reference/fix.patch" in m and "hunk 1 of" in m for m in found), found
    assert any("selector 'hidden/test_nope.py' names no file" in m for m in found), found
    assert any("loud.py:4-600' is outside the file" in m for m in found), found
    assert len(found) == 5, found


def test_a_problem_shared_by_every_variant_is_reported_once(tmp_path):
    path = scaffold("demo-one", tmp_path / "demo-one")
    ref = path / "reference" / "fix.patch"
    ref.write_text(ref.read_text().replace(" def shout(name):", " def shout(nom):"))
    assert len(messages(path)) == 1


def test_every_message_is_one_line(tmp_path):
    path = scaffold("demo-one", tmp_path / "demo-one")
    ref = path / "reference" / "fix.patch"
    ref.write_text(ref.read_text().replace(" def shout(name):", "?def shout(name):"))
    found = messages(path)
    assert any("not a valid unified diff" in m for m in found), found
    assert all("\n" not in m for m in found), found
