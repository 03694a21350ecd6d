"""The README documents what the code does: the commands and the roles table."""

from pathlib import Path

from security.roles import markdown_table

ROOT = Path(__file__).resolve().parents[1]


def test_readme_roles_table_is_the_matrix():
    text = (ROOT / "README.md").read_text()
    table = text.split("<!-- roles-table -->")[1].split("<!-- /roles-table -->")[0].strip()
    assert table == markdown_table(), "run `flask --app run roles table` and paste it in README.md"


def test_readme_names_the_commands():
    text = (ROOT / "README.md").read_text()
    for command in ("make run", "make test", "flask --app run db upgrade", "roles sync",
                    "demo load", "keys generate", "users add"):
        assert command in text or command in (ROOT / "docs" / "cli.md").read_text()
    assert "make test" in (ROOT / ".ci" / "run").read_text()
