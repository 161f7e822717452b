"""A fixed-seed run of the property-based parity campaign (tests/parity_campaign.py):
random org documents tangled by Emacs and by ours must give identical files or a
clean refusal.  Runs wherever Emacs is installed (CI: PRIMER_REQUIRE_EMACS=1)."""
from conftest import emacs_or_skip

import parity_campaign


def test_random_documents_tangle_as_emacs_does_or_are_refused():
    emacs_or_skip()
    result = parity_campaign.campaign(n=60, seed_value=2026)
    counts = result["counts"]
    assert counts["differing"] == 0 and counts["emacs-failed"] == 0, result["problems"]
    assert counts["identical"] >= 30, counts        # the generator still makes tangleable documents
