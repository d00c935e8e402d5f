"""docs/reference/fields.md is what tools/gen_reference.py generates from the
comments of proto/strata/v1/topology.proto: the field reference cannot drift
from the format."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_field_reference_is_generated_from_the_proto():
    result = subprocess.run([sys.executable, str(REPO / "tools" / "gen_reference.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_field_reference_documents_every_field_of_app_and_cluster():
    text = (REPO / "docs" / "reference" / "fields.md").read_text()
    for field in ("`cardinality`", "`quorum`", "`onChange`", "`afterLeave`", "`leaderProbe`",
                  "`memberLeave`", "`connections`", "`storageClassName`", "`tolerations`"):
        assert field in text, field
