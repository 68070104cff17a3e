"""What the user's side brings to a verdict: use profiles (`profiles.py`), the organisation
policy file (`file.py`), the inventory of models a product uses (`inventory.py`) and the CI
gate that turns verdicts into an exit code (`gate.py`). The evaluation itself is
`smallprint.evaluators.policy`."""
